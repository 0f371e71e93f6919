package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.testing.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text generation against transformers 4.38's goldens (8 new tokens) for each decoder-only family,
 * and the invariants of the other searches on GPT-2.
 */
class TextGenerationPipelineTest {
  private static final String MODEL = "text-generation-gpt2";
  private static final GenerationPipeline.Batching BATCHING = new GenerationPipeline.Batching(32, 0, true);
  private static final List<String> PROMPTS = List.of("Hello world", "The weather in Paris is",
      "I love this movie because it is so good");
  private final ModelSpec.Model model = Fixtures.open(Fixtures.model(MODEL));
  private final JsonNode cases = Fixtures.golden(MODEL, "golden.json").get("cases");

  /** The fixture of each decoder-only family: GPT-2; Llama (rotary positions, grouped-query attention in the cache). */
  static List<String> families() {
    return List.of(MODEL, "text-generation-llama");
  }

  private TextGenerationPipeline pipeline(boolean fullText, Object... settings) {
    return pipeline(model, fullText, settings);
  }

  private static TextGenerationPipeline pipeline(ModelSpec.Model model, boolean fullText, Object... settings) {
    Map<String, Object> generation = new HashMap<>();
    generation.put("max_new_tokens", 8);
    for (int i = 0; i < settings.length; i += 2) generation.put((String) settings[i], settings[i + 1]);
    return new TextGenerationPipeline(model,
        new TextGenerationPipeline.Settings(generation, fullText, false, 1_000_000, BATCHING));
  }

  private static List<String> run(TextGenerationPipeline pipeline, List<String> prompts) {
    List<SourceText> features = new ArrayList<>();
    for (String p : prompts) features.add(pipeline.preprocess(Prompt.of(p)));
    return pipeline.predict(features);
  }

  /** Generated ids and score straight from the generator, the prompt alone in its batch. */
  private Generated generate(String prompt, Map<String, Object> generation) {
    return generate(model, prompt, generation);
  }

  private static Generated generate(ModelSpec.Model model, String prompt, Map<String, Object> generation) {
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "text-generation", generation);
    long[] ids = pipeline(model, true).preprocess(Prompt.of(prompt)).encoding().getIds();
    return new Generator(config, GenerationPipeline.positionLimit(model.bundle()), BATCHING)
        .generate(alone(model, ids), List.of(new Generator.Input(ids, ids, null, 0))).get(0);
  }

  /** Decoding of one prompt, unpadded. */
  private Decoding alone(long[] ids) {
    return alone(model, ids);
  }

  private static Decoding alone(ModelSpec.Model model, long[] ids) {
    return new ContinuousDecoding(rows -> start(model, ids));
  }

  private static CausalLmDecoding start(ModelSpec.Model model, long[] ids) {
    return new CausalLmDecoding(DecoderGraph.load(model, true), Tensor.longs(ids, 1, ids.length),
        Tensor.longs(ones(ids.length), 1, ids.length));
  }

  private static long[] ones(int n) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, 1);
    return a;
  }

  @ParameterizedTest
  @MethodSource("families")
  void greedyTokensAndTextMatchTransformersForEachPrompt(String family) {
    ModelSpec.Model model = Fixtures.open(Fixtures.model(family));
    for (JsonNode c : Fixtures.golden(family, "golden.json").get("cases")) {
      String prompt = c.get("prompt").asText();
      long[] expected = longs(c.get("greedy_new_token_ids"));
      assertArrayEquals(expected, generate(model, prompt, Map.of("max_new_tokens", 8)).tokens(), prompt);
      assertEquals(c.get("pipeline").get(0).get("generated_text").asText(),
          run(pipeline(model, true), List.of(prompt)).get(0));
      assertEquals(c.get("pipeline_new_text_only").get(0).get("generated_text").asText(),
          run(pipeline(model, false), List.of(prompt)).get(0));
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void firstStepLogitsMatchTheModelsWithinTolerance(String family) {
    ModelSpec.Model model = Fixtures.open(Fixtures.model(family));
    for (JsonNode c : Fixtures.golden(family, "golden.json").get("cases")) {
      long[] ids = longs(c.get("model_inputs").get("input_ids").get("data"));
      float[] all = Fixtures.floats(c.get("logits"));
      float[] got;
      try (CausalLmDecoding decoding = start(model, ids)) {
        got = decoding.logits(0);
      }
      int vocab = got.length;
      for (int t = 0; t < vocab; t++) {
        float want = all[(ids.length - 1) * vocab + t];
        assertEquals(want, got[t], 1e-4 + 1e-3 * Math.abs(want), family + " token " + t);
      }
    }
  }

  @Test
  void llamaBeamSearchGivesTransformersTexts() {
    ModelSpec.Model llama = Fixtures.open(Fixtures.model("text-generation-llama"));
    for (JsonNode c : Fixtures.golden("text-generation-llama", "golden.json").get("cases")) {
      String prompt = c.get("prompt").asText();
      assertEquals(c.get("pipeline_num_beams_3").get(0).get("generated_text").asText(),
          run(pipeline(llama, true, "num_beams", 3), List.of(prompt)).get(0), prompt);
    }
  }

  /** Left-padded rows, with the attention_mask and position_ids (Llama: rotary) transformers feeds each. */
  @ParameterizedTest
  @MethodSource("families")
  void promptsOfDifferentLengthsGiveTheSameTextInOneBatchAsAlone(String family) {
    ModelSpec.Model model = Fixtures.open(Fixtures.model(family));
    for (Object[] search : new Object[][] {{}, {"num_beams", 3}, {"do_sample", true, "seed", 3}}) {
      List<String> batched = run(pipeline(model, true, search), PROMPTS);
      for (int i = 0; i < PROMPTS.size(); i++) {
        assertEquals(run(pipeline(model, true, search), List.of(PROMPTS.get(i))).get(0), batched.get(i),
            family + " " + PROMPTS.get(i));
      }
    }
  }

  @Test
  void seededSamplingRepeatsForASeedAndDiffersAcrossSeeds() {
    List<String> first = run(pipeline(false, "do_sample", true, "seed", 1), PROMPTS);
    assertEquals(first, run(pipeline(false, "do_sample", true, "seed", 1), PROMPTS));
    assertNotEquals(first, run(pipeline(false, "do_sample", true, "seed", 2), PROMPTS));
    assertNotEquals(run(pipeline(false), PROMPTS), first, "sampling is not greedy");
  }

  @Test
  void beamSearchWithOneBeamIsGreedy() {
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "text-generation", Map.of("max_new_tokens", 8));
    for (String prompt : PROMPTS) {
      long[] ids = pipeline(true).preprocess(Prompt.of(prompt)).encoding().getIds();
      Generated beam;
      try (Decoding decoding = alone(ids)) {
        beam = new BeamSearch(config).run(decoding, List.of(new TokenSequence(ids, ids.length + 8, ids.length + 8)),
            new Admission(new int[] {ids.length + 8}, BATCHING, config.numBeams(), decoding)).get(0);
      }
      assertArrayEquals(generate(prompt, Map.of("max_new_tokens", 8)).tokens(), beam.tokens(), prompt);
    }
  }

  @Test
  void beamSearchFindsASequenceAtLeastAsLikelyAsGreedy() {
    for (String prompt : PROMPTS) {
      Generated greedy = generate(prompt, Map.of("max_new_tokens", 8));
      // length_penalty 0: the beam's score is its plain sum of log-probabilities, as greedy's
      Generated beam = generate(prompt, Map.of("max_new_tokens", 8, "num_beams", 4, "length_penalty", 0.0));
      assertEquals(8, greedy.tokens().length);
      assertTrue(beam.score() >= greedy.score() - 1e-4, prompt + ": beam " + beam.score() + " < greedy " + greedy.score());
    }
  }

  @Test
  void noRepeatNgramSizeLeavesNoBigramTwice() {
    for (String prompt : PROMPTS) {
      long[] tokens = generate(prompt, Map.of("max_new_tokens", 8, "no_repeat_ngram_size", 2)).tokens();
      long[] prompted = pipeline(true).preprocess(Prompt.of(prompt)).encoding().getIds();
      long[] all = java.util.stream.LongStream.concat(java.util.Arrays.stream(prompted), java.util.Arrays.stream(tokens)).toArray();
      Set<String> bigrams = new HashSet<>();
      for (int i = 0; i + 1 < all.length; i++) assertTrue(bigrams.add(all[i] + "," + all[i + 1]), prompt);
    }
  }

  @Test
  void withoutMaxNewTokensMaxLengthTwentyBoundsPromptAndNewTokens() {
    long[] ids = pipeline(true).preprocess(Prompt.of(PROMPTS.get(1))).encoding().getIds();
    assertEquals(20 - ids.length, generate(PROMPTS.get(1), Map.of()).tokens().length);
  }

  @Test
  void generationStopsWhereTheModelRunsOutOfPositions() {
    String prompt = "a ".repeat(124).trim();
    long[] ids = pipeline(true).preprocess(Prompt.of(prompt)).encoding().getIds();
    assertEquals(124, ids.length);
    // 128 positions: the prompt and 4 new tokens are fed, the 5th new token is the last
    assertEquals(5, generate(prompt, Map.of("max_new_tokens", 8)).tokens().length);
  }

  @Test
  void aPromptLongerThanThePositionsIsAnInvalidRowUnlessTruncated() {
    String prompt = "a ".repeat(200);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> pipeline(true).preprocess(Prompt.of(prompt)));
    assertTrue(e.getMessage().contains("128 positions"), e.getMessage());
    TextGenerationPipeline truncating = new TextGenerationPipeline(model,
        new TextGenerationPipeline.Settings(Map.of("max_new_tokens", 2), true, true, 1_000_000, BATCHING));
    assertEquals(128, truncating.preprocess(Prompt.of(prompt)).encoding().getIds().length);
  }

  @Test
  void anUnknownOrUnsupportedSettingIsRefusedByName() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> pipeline(true, "max_new_token", 3));
    assertTrue(unknown.getMessage().contains("max_new_token"), unknown.getMessage());
    IllegalArgumentException groups = assertThrows(IllegalArgumentException.class, () -> pipeline(true, "num_beam_groups", 2));
    assertTrue(groups.getMessage().contains("num_beam_groups"), groups.getMessage());
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
    return out;
  }
}
