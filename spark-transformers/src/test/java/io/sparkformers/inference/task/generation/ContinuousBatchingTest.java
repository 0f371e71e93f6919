package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.engine.ResidentRuns;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.testing.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Continuous batching: with fewer rows decoding at once than prompts, and prompts of different
 * lengths and max_new_tokens, rows join as others end; each row's output must be what it gives
 * alone, for greedy search, beam search and seeded sampling, decoder-only and encoder-decoder. The
 * cache the rows share must be closed when generation ends.
 */
class ContinuousBatchingTest {
  private static final List<String> PROMPTS = List.of("Hello world", "The weather in Paris is",
      "I love this movie because it is so good", "A", "John Smith lives in New York and works in London.",
      "The house is wonderful.");
  private static final List<Integer> MAX_NEW_TOKENS = List.of(3, 12, 1, 9, 5, 7);
  private static final List<Map<String, Object>> SEARCHES = List.of(Map.of(),
      Map.of("num_beams", 3), Map.of("do_sample", true, "seed", 5, "top_k", 0));

  private static List<Prompt> prompts() {
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; i < PROMPTS.size(); i++) out.add(new Prompt(PROMPTS.get(i), MAX_NEW_TOKENS.get(i)));
    return out;
  }

  private static List<String> run(GenerationPipeline pipeline, List<Prompt> prompts) {
    List<SourceText> features = new ArrayList<>();
    for (Prompt p : prompts) features.add(pipeline.preprocess(p));
    return pipeline.predict(features);
  }

  /** Each prompt alone, then all through {@code atOnce} rows at a time. */
  private static void assertSameAsAlone(GenerationPipeline alone, GenerationPipeline continuous, String what) {
    List<String> expected = new ArrayList<>();
    for (Prompt p : prompts()) expected.add(run(alone, List.of(p)).get(0));
    assertEquals(expected, run(continuous, prompts()), what);
  }

  private static Map<String, Object> generation(Map<String, Object> search) {
    Map<String, Object> generation = new HashMap<>(search);
    generation.put("max_new_tokens", 4); // every prompt sets its own: this one must not apply
    generation.put("min_length", 0);
    return generation;
  }

  @ParameterizedTest
  @MethodSource("io.sparkformers.inference.task.generation.TextGenerationPipelineTest#families")
  void decoderOnlyRowsThatJoinGiveWhatTheyGiveAlone(String family) {
    ModelSpec.Model model = Fixtures.open(Fixtures.model(family));
    for (Map<String, Object> search : SEARCHES) {
      for (GenerationPipeline.Batching batching : List.of(new GenerationPipeline.Batching(2, 0, true),
          new GenerationPipeline.Batching(4, 60, true), new GenerationPipeline.Batching(3, 0, false))) {
        assertSameAsAlone(decoderOnly(model, search, new GenerationPipeline.Batching(1, 0, true)),
            decoderOnly(model, search, batching), family + " " + search + " " + batching);
      }
    }
    assertEquals(0, residentRuns(model, "decoder_model_merged").open(), "cache tensors left open");
  }

  @Test
  void encoderDecoderRowsThatJoinGiveWhatTheyGiveAlone() {
    for (String[] setup : new String[][] {{"summarization-bart", "summarization"}, {"translation-t5", "translation"},
        {"summarization-pegasus", "summarization"}, {"translation-mbart", "translation"},
        {"translation-marian", "translation"}}) {
      ModelSpec.Model model = Fixtures.open(Fixtures.model(setup[0]));
      for (Map<String, Object> search : SEARCHES) {
        // 2 at once: one joins at a time; 4: joins wait for 2 places, and start as one group
        for (int atOnce : new int[] {2, 4}) {
          assertSameAsAlone(text2text(model, setup[1], search, 1), text2text(model, setup[1], search, atOnce),
              setup[0] + " " + search + " " + atOnce + " at once");
        }
      }
      assertEquals(0, residentRuns(model, "decoder_model_merged").open(), "cache tensors left open");
      assertEquals(0, residentRuns(model, "encoder_model").open(), "encoder outputs left open");
    }
  }

  @Test
  void aRowsOwnMaxNewTokensBoundsItsOutput() {
    ModelSpec.Model model = Fixtures.open(Fixtures.model("text-generation-gpt2"));
    TextGenerationPipeline pipeline = decoderOnly(model, Map.of("max_new_tokens", 4, "min_new_tokens", 20),
        new GenerationPipeline.Batching(2, 0, true));
    List<Prompt> prompts = List.of(new Prompt("Hello world", 9), Prompt.of("Hello world"));
    List<SourceText> features = new ArrayList<>();
    for (Prompt p : prompts) features.add(pipeline.preprocess(p));
    var outputs = pipeline.forward(pipeline.collate(features));
    // min_new_tokens 20 keeps eos away, so each row runs to its own limit
    assertEquals(9, GenerationPipeline.generated(outputs, 0).length);
    assertEquals(4, GenerationPipeline.generated(outputs, 1).length);
    assertTrue(run(pipeline, List.of(prompts.get(0))).get(0).startsWith("Hello world"));
  }

  @Test
  void inputsStartedAheadJoinInTurnAndGiveWhatTheyGiveAlone() {
    ModelSpec.Model model = Fixtures.open(Fixtures.model("text-generation-gpt2"));
    TextGenerationPipeline pipeline = decoderOnly(model, Map.of(), new GenerationPipeline.Batching(1, 0, true));
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "text-generation", generation(Map.of()));
    DecoderGraph graph = DecoderGraph.load(model, true);
    List<long[]> prompts = new ArrayList<>();
    List<Generator.Input> inputs = new ArrayList<>();
    for (Prompt p : prompts()) {
      long[] ids = pipeline.preprocess(p).encoding().getIds();
      prompts.add(ids);
      inputs.add(new Generator.Input(ids, ids, p.maxNewTokens(), 0));
    }
    int[] firstSteps = new int[1];
    // four decode at once: a first step for one joiner starts the next one too, which waits its turn
    List<Generated> together = new Generator(config, 128, new GenerationPipeline.Batching(4, 0, true))
        .generate(new ContinuousDecoding(rows -> {
          firstSteps[0]++;
          return start(pipeline, graph, prompts, rows);
        }), inputs);
    for (int i = 0; i < inputs.size(); i++) {
      long[] ids = prompts.get(i);
      long[] alone = new Generator(config, 128, new GenerationPipeline.Batching(1, 0, true))
          .generate(new ContinuousDecoding(rows -> start(pipeline, graph, List.of(ids), rows)), List.of(inputs.get(i)))
          .get(0).tokens();
      assertArrayEquals(alone, together.get(i).tokens(), PROMPTS.get(i));
    }
    assertTrue(firstSteps[0] < inputs.size() - 3, firstSteps[0] + " first steps for " + inputs.size() + " inputs");
    assertEquals(0, residentRuns(model, "decoder_model_merged").open(), "cache tensors left open");
  }

  @Test
  void encoderDecoderInputsJoinInGroupsAndGiveWhatTheyGiveAlone() {
    ModelSpec.Model model = Fixtures.open(Fixtures.model("summarization-bart"));
    Map<String, Object> generation = Map.of("max_new_tokens", 4, "min_new_tokens", 12, "min_length", 0);
    Text2TextGenerationPipeline pipeline = new Text2TextGenerationPipeline(model, new Text2TextGenerationPipeline.Settings(
        "summarization", null, null, null, generation, true, 1_000_000, new GenerationPipeline.Batching(1, 0, true)));
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "summarization", generation);
    DecoderGraph graph = DecoderGraph.load(model, false);
    long start = config.decoderStartTokenId();
    List<long[]> sources = new ArrayList<>();
    List<Generator.Input> inputs = new ArrayList<>();
    for (Prompt p : prompts()) {
      long[] ids = pipeline.preprocess(p).encoding().getIds();
      sources.add(ids);
      inputs.add(new Generator.Input(new long[] {start}, ids, p.maxNewTokens(), ids.length));
    }
    List<Integer> groups = new ArrayList<>();
    List<Generated> together = new Generator(config, 1024, new GenerationPipeline.Batching(4, 0, true))
        .generate(new ContinuousDecoding(rows -> {
          groups.add(rows.length);
          return seq2seq(model, pipeline, graph, sources, rows, start);
        }), inputs);
    for (int i = 0; i < inputs.size(); i++) {
      long[] ids = sources.get(i);
      long[] alone = new Generator(config, 1024, new GenerationPipeline.Batching(1, 0, true))
          .generate(new ContinuousDecoding(rows -> seq2seq(model, pipeline, graph, List.of(ids), rows, start)),
              List.of(inputs.get(i)))
          .get(0).tokens();
      assertArrayEquals(alone, together.get(i).tokens(), PROMPTS.get(i));
      assertEquals(MAX_NEW_TOKENS.get(i), alone.length, "min_new_tokens keeps eos away: " + PROMPTS.get(i));
    }
    // 3, 12, 1 and 9 new tokens start; the 1 ends at its first token and the 3 after its third,
    // then the 5 and the 7 start as one group
    assertEquals(List.of(4, 2), groups);
    assertEquals(0, residentRuns(model, "decoder_model_merged").open(), "cache tensors left open");
    assertEquals(0, residentRuns(model, "encoder_model").open(), "encoder outputs left open");
  }

  @Test
  void aFreedPlaceIsTakenForTheNextStep() {
    ModelSpec.Model model = Fixtures.open(Fixtures.model("text-generation-gpt2"));
    DecodingProfile.Figures f = DecodingProfile.greedy(model, PROMPTS, MAX_NEW_TOKENS, 2, true);
    // rows of 3, 12, 1, 9, 5 and 7 new tokens (each taking one step fewer: the first token comes
    // from its first step), in that order, two at once: 3 and 12; after step 2 the 3 ends, the 1
    // takes its place and ends at its first token, the 9 takes it for steps 3-10, the 5 for 11-14,
    // the 12 ends after step 11 and the 7 decodes in steps 12-17: 14 steps of two rows, 3 alone
    assertEquals(Map.of(2, 14L, 1, 3L), f.stepsByRows());
    assertEquals(3, f.drainSteps());
    // a freed place left empty for a step takes more steps for the same 31 rows
    assertEquals(31, f.rowSteps());
  }

  private static CausalLmDecoding start(GenerationPipeline pipeline, DecoderGraph graph, List<long[]> prompts, int[] rows) {
    Map<String, Tensor> batch = pipeline.padded(prompts, rows, true);
    return new CausalLmDecoding(graph, batch.get("input_ids"), batch.get("attention_mask"));
  }

  private static Seq2SeqDecoding seq2seq(ModelSpec.Model model, GenerationPipeline pipeline, DecoderGraph graph,
      List<long[]> sources, int[] rows, long start) {
    Map<String, Tensor> batch = pipeline.padded(sources, rows, false);
    return new Seq2SeqDecoding(model.session("encoder_model"), graph, batch.get("input_ids"),
        batch.get("attention_mask"), start);
  }

  private static TextGenerationPipeline decoderOnly(ModelSpec.Model model, Map<String, Object> search,
      GenerationPipeline.Batching batching) {
    return new TextGenerationPipeline(model,
        new TextGenerationPipeline.Settings(generation(search), true, false, 1_000_000, batching));
  }

  private static Text2TextGenerationPipeline text2text(ModelSpec.Model model, String task, Map<String, Object> search,
      int atOnce) {
    return new Text2TextGenerationPipeline(model, new Text2TextGenerationPipeline.Settings(task, null, null, null,
        generation(search), true, 1_000_000, new GenerationPipeline.Batching(atOnce, 0, true)));
  }

  private static ResidentRuns residentRuns(ModelSpec.Model model, String graph) {
    return model.session(graph).residentRuns().orElseThrow();
  }
}
