package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    ModelSession first = model.session("decoder_model");
    ModelSession cached = model.session("decoder_with_past_model");
    long[] ids = {5, 17, 300, 42, 9};
    int n = ids.length;
    float[] whole = last(first.run(gpt2Inputs(ids, 0)).get("logits"));

    Map<String, Tensor> prefix = first.run(gpt2Inputs(Arrays.copyOf(ids, n - 1), 0));
    Map<String, Tensor> step = new LinkedHashMap<>(gpt2Inputs(new long[] {ids[n - 1]}, n - 1));
    prefix.forEach((name, t) -> {
      if (name.startsWith("present.")) step.put("past_key_values." + name.substring("present.".length()), t);
    });
    float[] stepped = last(cached.run(step).get("logits"));
    assertEquals(whole.length, stepped.length);
    for (int t = 0; t < whole.length; t++) assertEquals(whole[t], stepped[t], 1e-4 + 1e-4 * Math.abs(whole[t]), "token " + t);
  }

  @Test
  void gpt2GeneratesWhatRecomputingTheWholeSequenceGenerates() throws Exception {
    ModelSpec.Model model = Fixtures.open(SyntheticGpt2.write(dir.resolve("gpt2"), SyntheticGpt2.Size.TINY));
    TextGenerationPipeline pipeline = new TextGenerationPipeline(model, new TextGenerationPipeline.Settings(
        new HashMap<>(Map.of("max_new_tokens", 3)), true, false, 1_000_000, new GenerationPipeline.Batching(2, 0)));
    List<SourceText> features = new ArrayList<>();
    for (int i = 0; i < PROMPTS.size(); i++) features.add(pipeline.preprocess(new Prompt(PROMPTS.get(i), MAX_NEW_TOKENS[i])));
    Map<String, Tensor> outputs = pipeline.forward(pipeline.collate(features));
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "text-generation", Map.of());
    for (int i = 0; i < PROMPTS.size(); i++) {
      long[] prompt = features.get(i).encoding().getIds();
      long[] expected = recomputed(model.session("decoder_model"), prompt, MAX_NEW_TOKENS[i], config);
      assertArrayEquals(expected, GenerationPipeline.generated(outputs, i), PROMPTS.get(i));
    }
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

  /** input_ids, attention_mask over the past and the ids, position_ids from {@code past} on; one row. */
  private static Map<String, Tensor> gpt2Inputs(long[] ids, int past) {
    long[] mask = new long[past + ids.length];
    Arrays.fill(mask, 1);
    long[] positions = new long[ids.length];
    for (int i = 0; i < ids.length; i++) positions[i] = past + i;
    Map<String, Tensor> inputs = new LinkedHashMap<>();
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
