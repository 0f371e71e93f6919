package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.bench.SyntheticBart;
import io.sparkformers.bench.SyntheticGpt2;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic models the generation benchmark runs at full size, here tiny: their cache is right
 * (a cached step gives the logits of recomputing the whole sequence), and the pipelines generate
 * over them what recomputing the whole sequence at every step generates.
 */
class SyntheticModelsTest {
  private static final List<String> PROMPTS = List.of("Hello world", "The weather in Paris is", "A",
      "I love this movie because it is so good");
  private static final int[] MAX_NEW_TOKENS = {6, 2, 9, 4};

  @TempDir
  Path dir;

  @Test
  void gpt2sCachedStepGivesTheLogitsOfTheWholeSequence() throws Exception {
    ModelSpec.Model model = Fixtures.open(SyntheticGpt2.write(dir.resolve("gpt2"), SyntheticGpt2.Size.TINY));
    ModelSession merged = model.session("decoder_model_merged");
    long[] ids = {5, 17, 300, 42, 999};
    int n = ids.length;
    float[] whole = last(merged.run(gpt2Inputs(ids, 0)).get("logits"));

    Map<String, Tensor> prefix = merged.run(gpt2Inputs(Arrays.copyOf(ids, n - 1), 0));
    Map<String, Tensor> step = new LinkedHashMap<>(gpt2Inputs(new long[] {ids[n - 1]}, n - 1));
    prefix.forEach((name, t) -> {
      if (name.startsWith("present.")) step.put("past_key_values." + name.substring("present.".length()), t);
    });
    float[] stepped = last(merged.run(step).get("logits"));
    assertEquals(whole.length, stepped.length);
    for (int t = 0; t < whole.length; t++) assertEquals(whole[t], stepped[t], 1e-4 + 1e-4 * Math.abs(whole[t]), "token " + t);
  }

  @Test
  void gpt2GeneratesWhatRecomputingTheWholeSequenceGenerates() throws Exception {
    ModelSpec.Model model = Fixtures.open(SyntheticGpt2.write(dir.resolve("gpt2"), SyntheticGpt2.Size.TINY));
    TextGenerationPipeline pipeline = new TextGenerationPipeline(model, new TextGenerationPipeline.Settings(
        new HashMap<>(Map.of("max_new_tokens", 3)), true, false, 1_000_000, new GenerationPipeline.Batching(2, 0, true)));
    List<SourceText> features = new ArrayList<>();
    for (int i = 0; i < PROMPTS.size(); i++) features.add(pipeline.preprocess(new Prompt(PROMPTS.get(i), MAX_NEW_TOKENS[i])));
    Map<String, Tensor> outputs = pipeline.forward(pipeline.collate(features));
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "text-generation", Map.of());
    for (int i = 0; i < PROMPTS.size(); i++) {
      long[] prompt = features.get(i).encoding().getIds();
      long[] expected = recomputed(model.session("decoder_model_merged"), prompt, MAX_NEW_TOKENS[i], config);
      assertArrayEquals(expected, GenerationPipeline.generated(outputs, i), PROMPTS.get(i));
    }
  }

  @Test
  void gpt2sPaddedVocabularyDecodesEveryIdAndTokenizesAsTheFixture() throws Exception {
    ModelSpec.Model model = Fixtures.open(SyntheticGpt2.write(dir.resolve("gpt2"), SyntheticGpt2.Size.TINY));
    ModelSpec.Model fixture = Fixtures.open(Fixtures.model("text-generation-gpt2"));
    assertEquals(SyntheticGpt2.Size.TINY.vocab(), model.session("decoder_model_merged").run(gpt2Inputs(new long[] {1}, 0))
        .get("logits").dim(2));
    TextGenerationPipeline synthetic = gpt2(model);
    TextGenerationPipeline original = gpt2(fixture);
    for (String prompt : PROMPTS) {
      assertArrayEquals(original.preprocess(Prompt.of(prompt)).encoding().getIds(),
          synthetic.preprocess(Prompt.of(prompt)).encoding().getIds(), prompt);
    }
    assertEquals(" tok557 tok999", synthetic.tokenizer.decode(new long[] {557, 999}, true, true));
  }

  private static TextGenerationPipeline gpt2(ModelSpec.Model model) {
    return new TextGenerationPipeline(model, new TextGenerationPipeline.Settings(Map.of(), true, false, 1_000_000,
        new GenerationPipeline.Batching(1, 0, true)));
  }

  @Test
  void bartsCachedStepGivesTheLogitsOfTheWholeSequence() throws Exception {
    ModelSpec.Model model = Fixtures.open(SyntheticBart.write(dir.resolve("bart"), SyntheticBart.Size.TINY));
    long[] source = {0, 40, 300, 7, 2};
    Tensor states = encode(model, source);
    long[] decoded = {2, 0, 55, 13};
    int n = decoded.length;
    ModelSession merged = model.session("decoder_model_merged");
    float[] whole = last(merged.run(bartInputs(decoded, source, states, true)).get("logits"));

    Map<String, Tensor> prefix = merged.run(bartInputs(Arrays.copyOf(decoded, n - 1), source, states, true));
    Map<String, Tensor> step = new LinkedHashMap<>(bartInputs(new long[] {decoded[n - 1]}, source, states, false));
    prefix.forEach((name, t) -> {
      if (name.startsWith("present.")) step.put("past_key_values." + name.substring("present.".length()), t);
    });
    float[] stepped = last(merged.run(step).get("logits"));
    for (int t = 0; t < whole.length; t++) assertEquals(whole[t], stepped[t], 1e-4 + 1e-4 * Math.abs(whole[t]), "token " + t);
  }

  @Test
  void bartSummarizesWhatRecomputingTheWholeSequenceGives() throws Exception {
    ModelSpec.Model model = Fixtures.open(SyntheticBart.write(dir.resolve("bart"), SyntheticBart.Size.TINY));
    Text2TextGenerationPipeline pipeline = new Text2TextGenerationPipeline(model, new Text2TextGenerationPipeline.Settings(
        "summarization", null, null, null, Map.of("max_new_tokens", 3, "min_length", 0), true, 1_000_000,
        new GenerationPipeline.Batching(2, 0, true)));
    List<SourceText> features = new ArrayList<>();
    List<Generator.Input> inputs = new ArrayList<>();
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "summarization", Map.of("min_length", 0));
    for (int i = 0; i < PROMPTS.size(); i++) {
      features.add(pipeline.preprocess(new Prompt(PROMPTS.get(i), MAX_NEW_TOKENS[i])));
      long[] ids = features.get(i).encoding().getIds();
      inputs.add(new Generator.Input(new long[] {config.decoderStartTokenId()}, ids, MAX_NEW_TOKENS[i], ids.length));
    }
    Map<String, Tensor> outputs = pipeline.forward(pipeline.collate(features));
    List<Generated> expected = new Generator(config, Integer.MAX_VALUE, new GenerationPipeline.Batching(1, 0, true))
        .generate(new RecomputingSeq2Seq(model, inputs, config.decoderStartTokenId()), inputs);
    for (int i = 0; i < PROMPTS.size(); i++) {
      assertArrayEquals(expected.get(i).tokens(), GenerationPipeline.generated(outputs, i), PROMPTS.get(i));
    }
  }

  private static Tensor encode(ModelSpec.Model model, long[] source) {
    long[] mask = new long[source.length];
    Arrays.fill(mask, 1);
    return model.session("encoder_model").run(Map.of("input_ids", Tensor.longs(source, 1, source.length),
        "attention_mask", Tensor.longs(mask, 1, source.length))).get("last_hidden_state");
  }

  /**
   * One row's decoder inputs for the merged graph: {@code first}, its first-step branch with empty
   * past inputs (TINY's 2 layers, 2 heads of 16); else its cached branch, the caller adding the past.
   */
  private static Map<String, Tensor> bartInputs(long[] decoded, long[] source, Tensor states, boolean first) {
    long[] mask = new long[source.length];
    Arrays.fill(mask, 1);
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("use_cache_branch", Tensor.bools(new boolean[] {!first}, 1));
    for (int layer = 0; layer < 2 && first; layer++) {
      for (String kind : List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value")) {
        inputs.put("past_key_values." + layer + "." + kind, Tensor.floats(new float[0], 1, 2, 0, 16));
      }
    }
    inputs.put("input_ids", Tensor.longs(decoded, 1, decoded.length));
    inputs.put("encoder_attention_mask", Tensor.longs(mask, 1, source.length));
    inputs.put("encoder_hidden_states", states);
    return inputs;
  }

  /** Decoding with no cache: every step runs the first-step decoder over each row's whole sequence, row by row. */
  private static final class RecomputingSeq2Seq implements Decoding {
    private final ModelSpec.Model model;
    private final List<Generator.Input> inputs;
    private final long start;
    private List<long[]> sources = new ArrayList<>();
    private List<Tensor> states = new ArrayList<>();
    private List<long[]> decoded = new ArrayList<>();
    private List<float[]> logits = new ArrayList<>();

    RecomputingSeq2Seq(ModelSpec.Model model, List<Generator.Input> inputs, long start) {
      this.model = model;
      this.inputs = inputs;
      this.start = start;
    }

    @Override
    public int rows() {
      return decoded.size();
    }

    @Override
    public float[] logits(int row) {
      return logits.get(row).clone();
    }

    @Override
    public void append(long[] tokens) {
      for (int r = 0; r < tokens.length; r++) {
        long[] d = Arrays.copyOf(decoded.get(r), decoded.get(r).length + 1);
        d[d.length - 1] = tokens[r];
        decoded.set(r, d);
        logits.set(r, step(r));
      }
    }

    @Override
    public void keep(int[] rows) {
      List<long[]> s = new ArrayList<>();
      List<Tensor> e = new ArrayList<>();
      List<long[]> d = new ArrayList<>();
      List<float[]> l = new ArrayList<>();
      for (int r : rows) {
        s.add(sources.get(r));
        e.add(states.get(r));
        d.add(decoded.get(r));
        l.add(logits.get(r));
      }
      sources = s;
      states = e;
      decoded = d;
      logits = l;
    }

    @Override
    public void join(int[] started, int[] ahead) {
      for (int i : started) {
        long[] source = inputs.get(i).modelInput();
        sources.add(source);
        states.add(encode(model, source));
        decoded.add(new long[] {start});
        logits.add(step(decoded.size() - 1));
      }
    }

    /** Rows are decoded one by one: any row may join. */
    @Override
    public boolean joinersShareCache() {
      return true;
    }

    private float[] step(int row) {
      return last(model.session("decoder_model_merged").run(bartInputs(decoded.get(row), sources.get(row),
          states.get(row), true)).get("logits"));
    }

    @Override
    public void close() {}
  }

  /** Greedy search feeding the whole sequence at every step, no cache: the reference. */
  private static long[] recomputed(ModelSession decoder, long[] prompt, int newTokens, GenerationConfig config) {
    long[] ids = prompt.clone();
    for (int t = 0; t < newTokens; t++) {
      float[] logits = last(decoder.run(gpt2Inputs(ids, 0)).get("logits"));
      int token = Scores.argmax(logits);
      ids = Arrays.copyOf(ids, ids.length + 1);
      ids[ids.length - 1] = token;
      if (config.isEos(token)) break;
    }
    return Arrays.copyOfRange(ids, prompt.length, ids.length);
  }

  /**
   * input_ids, attention_mask over the past and the ids, position_ids from {@code past} on, one row,
   * for the merged graph: with no past, its first-step branch and empty past inputs (TINY's 2 layers,
   * 2 heads of 16); else its cached branch, the caller adding the past.
   */
  private static Map<String, Tensor> gpt2Inputs(long[] ids, int past) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("use_cache_branch", Tensor.bools(new boolean[] {past > 0}, 1));
    for (int layer = 0; layer < 2 && past == 0; layer++) {
      for (String kind : List.of("key", "value")) {
        inputs.put("past_key_values." + layer + "." + kind, Tensor.floats(new float[0], 1, 2, 0, 16));
      }
    }
    long[] mask = new long[past + ids.length];
    Arrays.fill(mask, 1);
    long[] positions = new long[ids.length];
    for (int i = 0; i < ids.length; i++) positions[i] = past + i;
    inputs.put("input_ids", Tensor.longs(ids, 1, ids.length));
    inputs.put("attention_mask", Tensor.longs(mask, 1, mask.length));
    inputs.put("position_ids", Tensor.longs(positions, 1, ids.length));
    return inputs;
  }

  /** The last position's logits of a one-row [1, tokens, vocab]. */
  private static float[] last(Tensor logits) {
    int vocab = logits.dim(2);
    float[] all = logits.floats();
    return Arrays.copyOfRange(all, all.length - vocab, all.length);
  }
}
