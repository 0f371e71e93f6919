package io.sparkformers.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Greedy generation over a GPT-2 folder in Optimum's merged layout written as a plain loop over ONNX
 * Runtime and DJL, none of our classes: prompts tokenized as the text-generation pipeline does (no
 * special tokens), sorted by length, cut into batches, left-padded with attention_mask and
 * position_ids; every row generates exactly {@code newTokens} tokens. With the cache, a step's
 * present.* tensors are fed back as the next step's past as they are (use_cache_branch true);
 * without it, every step runs the first-step branch over the whole sequence so far, its past inputs
 * empty.
 */
final class RawGreedyLoop implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession decoder;
  /** Each past input's [heads, head_dim]. */
  private final Map<String, long[]> pastShapes = new HashMap<>();
  private final HuggingFaceTokenizer tokenizer;
  private final long pad;

  RawGreedyLoop(Path folder, long pad) throws OrtException, IOException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      decoder = env.createSession(folder.resolve("onnx/decoder_model_merged.onnx").toString(), options);
    }
    pastShapes.putAll(pastShapes(decoder));
    tokenizer = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"),
        Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false"));
    this.pad = pad;
  }

  long[] ids(String prompt) {
    return tokenizer.encode(prompt).getIds();
  }

  /** Seconds for {@code threads} threads to generate for their contiguous share of {@code prompts}, as Spark's partitions. */
  double seconds(int threads, List<long[]> prompts, int batch, int newTokens, boolean withCache) throws Exception {
    return Bench.inThreads(threads, prompts.size(), (from, to) -> {
      List<long[]> part = new ArrayList<>(prompts.subList(from, to));
      part.sort(Comparator.comparingInt(p -> p.length));
      for (int b = 0; b < part.size(); b += batch) {
        Rows rows = Rows.leftPadded(part.subList(b, Math.min(b + batch, part.size())), pad);
        if (withCache) cachedBatch(rows, newTokens);
        else uncachedBatch(rows, newTokens);
      }
    });
  }

  private void cachedBatch(Rows rows, int newTokens) throws OrtException {
    OrtSession.Result result = run(rows.ids, rows.width, rows, rows.positions(rows.width), null,
        decoder.getOutputNames());
    try {
      for (int t = 1; t < newTokens; t++) {
        long[] next = argmaxLast(result, rows.count);
        rows = rows.extend(next);
        long[] positions = rows.positions(1);
        Map<String, OnnxTensor> past = new HashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          if (e.getKey().startsWith("present.")) {
            past.put("past_key_values." + e.getKey().substring("present.".length()), (OnnxTensor) e.getValue());
          }
        }
        OrtSession.Result stepped = run(next, 1, rows, positions, past, decoder.getOutputNames());
        result.close();
        result = stepped;
      }
      argmaxLast(result, rows.count);
    } finally {
      result.close();
    }
  }

  private void uncachedBatch(Rows rows, int newTokens) throws OrtException {
    for (int t = 0; t < newTokens; t++) {
      try (OrtSession.Result result = run(rows.ids, rows.width, rows, rows.positions(rows.width), null,
          Set.of("logits"))) {
        rows = rows.extend(argmaxLast(result, rows.count));
      }
    }
  }

  /** Runs a step feeding {@code ids} [rows, width] over the mask of {@code rows} and {@code past}, null for none. */
  private OrtSession.Result run(long[] ids, int width, Rows rows, long[] positions, Map<String, OnnxTensor> past,
      Set<String> outputs) throws OrtException {
    Map<String, OnnxTensor> empty = past == null ? emptyPasts(pastShapes, rows.count) : Map.of();
    try (OnnxTensor input = tensor(ids, rows.count, width);
         OnnxTensor mask = tensor(rows.mask, rows.count, rows.width);
         OnnxTensor position = tensor(positions, rows.count, width);
         OnnxTensor useCache = OnnxTensor.createTensor(env, new boolean[] {past != null})) {
      Map<String, OnnxTensor> feeds = new HashMap<>(past == null ? empty : past);
      feeds.put("input_ids", input);
      feeds.put("attention_mask", mask);
      feeds.put("position_ids", position);
      feeds.put("use_cache_branch", useCache);
      return decoder.run(feeds, outputs);
    } finally {
      empty.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(long[] data, int rows, int width) throws OrtException {
    return OnnxTensor.createTensor(env, LongBuffer.wrap(data), new long[] {rows, width});
  }

  /** Each past_key_values input of a merged decoder, with its [heads, head_dim]. */
  static Map<String, long[]> pastShapes(OrtSession decoder) throws OrtException {
    Map<String, long[]> shapes = new HashMap<>();
    for (Map.Entry<String, ai.onnxruntime.NodeInfo> e : decoder.getInputInfo().entrySet()) {
      if (!e.getKey().startsWith("past_key_values.")) continue;
      long[] shape = ((ai.onnxruntime.TensorInfo) e.getValue().getInfo()).getShape();
      shapes.put(e.getKey(), new long[] {shape[1], shape[3]});
    }
    return shapes;
  }

  /** The empty past inputs a merged decoder's first-step branch is fed; the caller closes them. */
  static Map<String, OnnxTensor> emptyPasts(Map<String, long[]> shapes, int rows) throws OrtException {
    Map<String, OnnxTensor> empty = new HashMap<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      empty.put(e.getKey(), OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.allocate(0),
          new long[] {rows, e.getValue()[0], 0, e.getValue()[1]}));
    }
    return empty;
  }

  /** Each row's best next token, from the last position's logits. */
  static long[] argmaxLast(OrtSession.Result result, int rows) {
    OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
    long[] shape = logits.getInfo().getShape();
    int positions = (int) shape[1];
    int vocab = (int) shape[2];
    FloatBuffer data = logits.getFloatBuffer();
    long[] best = new long[rows];
    for (int r = 0; r < rows; r++) {
      int from = (r * positions + positions - 1) * vocab;
      int arg = 0;
      for (int t = 1; t < vocab; t++) if (data.get(from + t) > data.get(from + arg)) arg = t;
      best[r] = arg;
    }
    return best;
  }

  @Override
  public void close() throws OrtException {
    decoder.close();
    tokenizer.close();
  }

  /** Left-padded rows: ids and attention_mask [count, width], and each row's real tokens. */
  private record Rows(long[] ids, long[] mask, int[] lengths, int count, int width) {
    static Rows leftPadded(List<long[]> prompts, long pad) {
      int count = prompts.size();
      int width = 0;
      for (long[] p : prompts) width = Math.max(width, p.length);
      long[] ids = new long[count * width];
      long[] mask = new long[count * width];
      int[] lengths = new int[count];
      java.util.Arrays.fill(ids, pad);
      for (int r = 0; r < count; r++) {
        long[] p = prompts.get(r);
        System.arraycopy(p, 0, ids, (r + 1) * width - p.length, p.length);
        java.util.Arrays.fill(mask, (r + 1) * width - p.length, (r + 1) * width, 1L);
        lengths[r] = p.length;
      }
      return new Rows(ids, mask, lengths, count, width);
    }

    /** position_ids of the last {@code tokens} columns: each row counts its own tokens, padding gets 1. */
    long[] positions(int tokens) {
      long[] positions = new long[count * tokens];
      for (int r = 0; r < count; r++) {
        for (int i = 0; i < tokens; i++) {
          long position = lengths[r] - tokens + i;
          positions[r * tokens + i] = position < 0 ? 1 : position;
        }
      }
      return positions;
    }

    /** The rows with one more token each. */
    Rows extend(long[] next) {
      int w = width + 1;
      long[] newIds = new long[count * w];
      long[] newMask = new long[count * w];
      int[] newLengths = new int[count];
      for (int r = 0; r < count; r++) {
        System.arraycopy(ids, r * width, newIds, r * w, width);
        System.arraycopy(mask, r * width, newMask, r * w, width);
        newIds[r * w + width] = next[r];
        newMask[r * w + width] = 1;
        newLengths[r] = lengths[r] + 1;
      }
      return new Rows(newIds, newMask, newLengths, count, w);
    }
  }
}
