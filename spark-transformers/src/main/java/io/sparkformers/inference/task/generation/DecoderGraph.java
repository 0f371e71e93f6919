package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.ResidentRuns;
import io.sparkformers.inference.engine.ResidentTensor;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The decoder of a model with a KV cache, in one of the layouts Optimum and transformers.js write:
 * {@code decoder_model_merged.onnx} (one graph, the branch picked by {@code use_cache_branch}),
 * {@code decoder_model.onnx} + {@code decoder_with_past_model.onnx} (first step, later steps), or
 * for a decoder-only model a {@code model.onnx} that takes {@code past_key_values.*} itself. The
 * cache inputs, their present outputs and their head shapes come from the graph's metadata. The
 * cache stays in the engine: a step's presents are the next step's past.
 */
final class DecoderGraph {
  private static final String PAST = "past_key_values.";
  private static final String USE_CACHE_BRANCH = "use_cache_branch";

  private final ModelSession first;
  private final ModelSession cached;
  private final ResidentRuns firstRuns;
  private final ResidentRuns cachedRuns;
  private final Map<String, long[]> pastShapes = new LinkedHashMap<>();

  private DecoderGraph(ModelSession first, ModelSession cached) {
    this.first = first;
    this.cached = cached;
    this.firstRuns = residentRuns(first);
    this.cachedRuns = residentRuns(cached);
    for (String input : cached.inputNames()) {
      if (!input.startsWith(PAST)) continue;
      long[] shape = cached.inputShape(input);
      if (shape.length != 4 || shape[1] < 0 || shape[3] < 0) {
        throw new ModelFolderException("past_key_values inputs must be [batch, heads, length, head_dim] with"
            + " fixed heads and head_dim; " + input + " is " + Arrays.toString(shape));
      }
      pastShapes.put(input, shape);
      // the first step fills every cache entry; a cached step may leave the cross-attention ones out
      if (!first.outputNames().contains(present(input))) {
        throw new ModelFolderException("the decoder takes " + input + " but has no output " + present(input));
      }
    }
    if (pastShapes.isEmpty()) {
      throw new ModelFolderException("the decoder graph has no past_key_values.* inputs; export it with its"
          + " KV cache (optimum-cli export onnx --task text-generation-with-past / text2text-generation-with-past)");
    }
  }

  /**
   * The decoder of {@code model}: the merged graph, else the split pair, else (decoder-only) a
   * {@code model.onnx} with past inputs.
   */
  static DecoderGraph load(ModelSpec.Model model, boolean decoderOnly) {
    if (model.hasGraph("decoder_model_merged")) {
      ModelSession merged = model.session("decoder_model_merged");
      return new DecoderGraph(merged, merged);
    }
    if (model.hasGraph("decoder_model") && model.hasGraph("decoder_with_past_model")) {
      return new DecoderGraph(model.session("decoder_model"), model.session("decoder_with_past_model"));
    }
    if (decoderOnly && model.hasGraph("model")) {
      ModelSession single = model.session("model");
      return new DecoderGraph(single, single);
    }
    throw new ModelFolderException("model folder " + model.bundle().dir() + " has no decoder with a KV cache:"
        + " decoder_model_merged.onnx, decoder_model.onnx + decoder_with_past_model.onnx"
        + (decoderOnly ? ", or model.onnx with past_key_values inputs" : ""));
  }

  static ResidentRuns residentRuns(ModelSession session) {
    return session.residentRuns().orElseThrow(() -> new UnsupportedOperationException(
        "generation keeps its KV cache in the engine between steps, which " + session + " cannot; use engine=onnxruntime"));
  }

  /** Whether a cached step reads the input {@code name}. */
  boolean takes(String name) {
    return cached.inputNames().contains(name);
  }

  /** Where the cache lives: stacks and uploads its tensors. */
  ResidentRuns engine() {
    return cachedRuns;
  }

  /** The output that carries the next step's value of a past input. */
  private static String present(String past) {
    return "present." + past.substring(PAST.length());
  }

  /**
   * The first step (no cache yet: every past is empty, as the first branch of a merged graph takes
   * it). Returns the logits and the cache it starts.
   */
  Step start(Map<String, Tensor> inputs, Map<String, ResidentTensor> resident, int rows) {
    Map<String, ResidentTensor> empty = new LinkedHashMap<>();
    try {
      if (first.inputNames().stream().anyMatch(name -> name.startsWith(PAST))) {
        pastShapes.forEach((name, shape) ->
            empty.put(name, firstRuns.upload(Tensor.floats(new float[0], rows, shape[1], 0, shape[3]))));
      }
      Map<String, ResidentTensor> feeds = new LinkedHashMap<>(resident);
      feeds.putAll(empty);
      return run(first, firstRuns, inputs, feeds, false);
    } finally {
      empty.values().forEach(ResidentTensor::close);
    }
  }

  /** A cached step: the new tokens' inputs over {@code past}; returns the logits and the presents. */
  Step step(Map<String, Tensor> inputs, Map<String, ResidentTensor> resident, PastKeyValues past) {
    Map<String, ResidentTensor> feeds = new LinkedHashMap<>(resident);
    feeds.putAll(past.tensors());
    return run(cached, cachedRuns, inputs, feeds, true);
  }

  private Step run(ModelSession session, ResidentRuns runs, Map<String, Tensor> inputs,
      Map<String, ResidentTensor> resident, boolean useCache) {
    Map<String, Tensor> feeds = new LinkedHashMap<>(inputs);
    if (session.inputNames().contains(USE_CACHE_BRANCH)) {
      feeds.put(USE_CACHE_BRANCH, Tensor.bools(new boolean[] {useCache}, 1));
    }
    Set<String> kept = new LinkedHashSet<>();
    for (String name : pastShapes.keySet()) {
      if (session.outputNames().contains(present(name))) kept.add(present(name));
    }
    ResidentRuns.Outputs out = runs.run(feeds, resident, Set.of("logits"), kept);
    Map<String, ResidentTensor> presents = new LinkedHashMap<>();
    for (String name : pastShapes.keySet()) {
      ResidentTensor p = out.kept().get(present(name));
      if (p != null) presents.put(name, p);
    }
    return new Step(out.copied().get("logits"), presents);
  }

  /** A step's outputs: logits [rows, tokens, vocab] and the new cache entries by past input name. */
  record Step(Tensor logits, Map<String, ResidentTensor> presents) {
    /** The logits of each row's last position: what predicts its next token. */
    float[][] lastLogits() {
      int rows = logits.dim(0);
      int positions = logits.dim(1);
      int vocab = logits.dim(2);
      float[] data = logits.floats();
      float[][] out = new float[rows][];
      for (int r = 0; r < rows; r++) {
        int from = (r * positions + positions - 1) * vocab;
        out[r] = Arrays.copyOfRange(data, from, from + vocab);
      }
      return out;
    }
  }
}
