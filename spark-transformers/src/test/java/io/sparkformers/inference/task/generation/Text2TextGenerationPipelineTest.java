package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Summarization (BART, Pegasus) and translation (T5, mBART, Marian) against transformers 4.38's
 * goldens (8 new tokens).
 */
class Text2TextGenerationPipelineTest {
  private static final String BART = "summarization-bart";
  private static final String T5 = "translation-t5";
  private static final String PEGASUS = "summarization-pegasus";
  private static final String MBART = "translation-mbart";
  private static final String MARIAN = "translation-marian";
  private static final GenerationPipeline.Batching BATCHING = new GenerationPipeline.Batching(32, 0, true);
  private static final Map<String, Object> EIGHT_NEW_TOKENS = Map.of("max_new_tokens", 8);

  private static Text2TextGenerationPipeline pipeline(String model, String task, String src, String tgt,
      Map<String, ?> generation, boolean truncation) {
    return new Text2TextGenerationPipeline(Fixtures.open(Fixtures.model(model)),
        new Text2TextGenerationPipeline.Settings(task, src, tgt, null, generation, truncation, 1_000_000, BATCHING));
  }

  private static List<String> run(Text2TextGenerationPipeline pipeline, List<String> texts) {
    List<SourceText> features = new ArrayList<>();
    for (String t : texts) features.add(pipeline.preprocess(Prompt.of(t)));
    return pipeline.predict(features);
  }

  private static List<String> texts(JsonNode cases) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : cases) out.add(c.get("text").asText());
    return out;
  }

  /** Decoder start token + generated ids, as generate returns them, for a text alone in its batch. */
  private static long[] sequence(String model, String task, Text2TextGenerationPipeline pipeline, String text) {
    ModelSpec.Model m = Fixtures.open(Fixtures.model(model));
    GenerationConfig config = GenerationConfig.resolve(m.bundle(), task, EIGHT_NEW_TOKENS);
    long[] ids = pipeline.preprocess(Prompt.of(text)).encoding().getIds();
    long start = config.decoderStartTokenId();
    Decoding decoding = new ContinuousDecoding(rows -> new Seq2SeqDecoding(m.session("encoder_model"),
        DecoderGraph.load(m, false), Tensor.longs(ids, 1, ids.length), Tensor.longs(ones(ids.length), 1, ids.length), start));
    long[] generated = new Generator(config, GenerationPipeline.positionLimit(m.bundle()), BATCHING)
        .generate(decoding, List.of(new Generator.Input(new long[] {start}, ids, null, ids.length))).get(0).tokens();
    long[] all = new long[generated.length + 1];
    all[0] = start;
    System.arraycopy(generated, 0, all, 1, generated.length);
    return all;
  }

  private static long[] ones(int n) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, 1);
    return a;
  }

  @Test
  void bartSummariesMatchTransformersWithForcedBosAndEos() {
    JsonNode cases = Fixtures.golden(BART, "golden.json").get("cases");
    Text2TextGenerationPipeline pipeline = pipeline(BART, "summarization", null, null, EIGHT_NEW_TOKENS, true);
    List<String> summaries = run(pipeline, texts(cases));
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      assertArrayEquals(TextGenerationPipelineTest.longs(c.get("model_inputs").get("input_ids").get("data")),
          pipeline.preprocess(Prompt.of(c.get("text").asText())).encoding().getIds(), "truncated to model_max_length 64");
      assertArrayEquals(TextGenerationPipelineTest.longs(c.get("greedy_sequence_ids")),
          sequence(BART, "summarization", pipeline, c.get("text").asText()));
      assertEquals(c.get("pipeline").get(0).get("summary_text").asText(), summaries.get(i));
    }
  }

  @Test
  void t5TranslationsMatchTransformersWithTheTaskPrefix() {
    JsonNode cases = Fixtures.golden(T5, "golden.json").get("cases");
    for (String[] languages : new String[][] {{"en", "de"}, {null, null}}) {
      Text2TextGenerationPipeline pipeline = pipeline(T5, "translation", languages[0], languages[1], EIGHT_NEW_TOKENS, false);
      List<String> translations = run(pipeline, texts(cases));
      for (int i = 0; i < cases.size(); i++) {
        JsonNode c = cases.get(i);
        assertArrayEquals(TextGenerationPipelineTest.longs(c.get("model_inputs").get("input_ids").get("data")),
            pipeline.preprocess(Prompt.of(c.get("text").asText())).encoding().getIds(), "'translate English to German: ' + text");
        assertArrayEquals(TextGenerationPipelineTest.longs(c.get("greedy_sequence_ids")),
            sequence(T5, "translation_en_to_de", pipeline, c.get("text").asText()));
        assertEquals(c.get("pipeline").get(0).get("translation_text").asText(), translations.get(i));
      }
    }
  }

  /**
   * Pegasus (sinusoidal positions, pad as the decoder start), mBART (the source's language code
   * last, the target's forced first) and Marian (final_logits_bias, pad as the decoder start and a
   * bad word): the tokenizer.json gives the slow tokenizer's ids, and greedy and beam search give
   * the pipeline's texts.
   */
  @ParameterizedTest
  @CsvSource({"summarization-pegasus, summarization, , , summary_text",
      "translation-mbart, translation, en_XX, ro_RO, translation_text",
      "translation-marian, translation, , , translation_text"})
  void greedyAndBeamSearchGiveTransformersTexts(String family, String task, String src, String tgt, String output) {
    JsonNode cases = Fixtures.golden(family, "golden.json").get("cases");
    Text2TextGenerationPipeline greedy = pipeline(family, task, src, tgt, EIGHT_NEW_TOKENS, true);
    List<String> greedyTexts = run(greedy, texts(cases));
    List<String> beamTexts = run(pipeline(family, task, src, tgt, Map.of("max_new_tokens", 8, "num_beams", 3), true),
        texts(cases));
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      assertArrayEquals(TextGenerationPipelineTest.longs(c.get("model_inputs").get("input_ids").get("data")),
          greedy.preprocess(Prompt.of(c.get("text").asText())).encoding().getIds(), family + " input ids");
      assertEquals(c.get("pipeline").get(0).get(output).asText(), greedyTexts.get(i), family + " greedy");
      assertEquals(c.get("pipeline_num_beams_3").get(0).get(output).asText(), beamTexts.get(i), family + " beams");
    }
  }

  @Test
  void theSplitDecoderPairGivesTheSameTranslations(@TempDir Path dir) throws Exception {
    Path t5 = Fixtures.model(T5);
    Files.createDirectories(dir.resolve("onnx"));
    for (String file : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
        "onnx/encoder_model.onnx", "onnx/decoder_model.onnx", "onnx/decoder_with_past_model.onnx")) {
      Files.copy(t5.resolve(file), dir.resolve(file));
    }
    JsonNode cases = Fixtures.golden(T5, "golden.json").get("cases");
    Text2TextGenerationPipeline split = new Text2TextGenerationPipeline(Fixtures.open(dir),
        new Text2TextGenerationPipeline.Settings("translation", null, null, null, EIGHT_NEW_TOKENS, false, 1_000_000, BATCHING));
    List<String> translations = run(split, texts(cases));
    for (int i = 0; i < cases.size(); i++) {
      assertEquals(cases.get(i).get("pipeline").get(0).get("translation_text").asText(), translations.get(i));
    }
  }

  @Test
  void firstStepLogitsMatchTheModelsWithinTolerance() {
    for (String model : List.of(BART, T5, PEGASUS, MBART, MARIAN)) {
      ModelSpec.Model m = Fixtures.open(Fixtures.model(model));
      for (JsonNode c : Fixtures.golden(model, "golden.json").get("cases")) {
        long[] ids = TextGenerationPipelineTest.longs(c.get("model_inputs").get("input_ids").get("data"));
        long start = c.get("greedy_sequence_ids").get(0).asLong();
        float[] want = Fixtures.floats(c.get("first_step_logits"));
        float[] got;
        try (Seq2SeqDecoding decoding = new Seq2SeqDecoding(m.session("encoder_model"), DecoderGraph.load(m, false),
            Tensor.longs(ids, 1, ids.length), Tensor.longs(ones(ids.length), 1, ids.length), start)) {
          got = decoding.logits(0);
        }
        for (int t = 0; t < want.length; t++) assertEquals(want[t], got[t], 1e-4 + 1e-3 * Math.abs(want[t]), model);
      }
    }
  }

  @Test
  void textsOfDifferentLengthsGiveTheSameOutputInOneBatchAsAlone() {
    List<String> texts = List.of("The house is wonderful.", "I love this movie.",
        "John Smith lives in New York and works in London.");
    for (String[] setup : new String[][] {{BART, "summarization"}, {T5, "translation"}, {PEGASUS, "summarization"},
        {MBART, "translation"}, {MARIAN, "translation"}}) {
      for (Map<String, ?> generation : List.of(EIGHT_NEW_TOKENS, Map.of("max_new_tokens", 8, "num_beams", 3))) {
        Text2TextGenerationPipeline pipeline = pipeline(setup[0], setup[1], null, null, generation, false);
        List<String> batched = run(pipeline, texts);
        for (int i = 0; i < texts.size(); i++) {
          assertEquals(run(pipeline, List.of(texts.get(i))).get(0), batched.get(i), setup[0] + " " + generation);
        }
      }
    }
  }

  @Test
  void anInputLongerThanThePositionsIsAnInvalidRowUnlessTruncated() {
    String text = "the weather in Paris ".repeat(30);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> pipeline(BART, "summarization", null, null, EIGHT_NEW_TOKENS, false).preprocess(Prompt.of(text)));
    assertTrue(e.getMessage().contains("72 positions") && e.getMessage().contains("truncation"), e.getMessage());
    Text2TextGenerationPipeline truncating = pipeline(BART, "summarization", null, null, EIGHT_NEW_TOKENS, true);
    assertEquals(64, truncating.preprocess(Prompt.of(text)).encoding().getIds().length, "tokenizer_config model_max_length");
  }

  @Test
  void aTargetLanguageTheModelDoesNotKnowFailsNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pipeline(T5, "translation", "en", "fr", EIGHT_NEW_TOKENS, false));
    assertTrue(e.getMessage().contains("translation_en_to_fr"), e.getMessage());
  }
}
