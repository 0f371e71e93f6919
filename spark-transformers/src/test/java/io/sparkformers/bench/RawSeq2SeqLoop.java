package io.sparkformers.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Greedy generation over an encoder-decoder folder in Optimum's merged layout (BART) written as a
 * plain loop over ONNX Runtime and DJL, none of our classes: sources tokenized with special tokens
 * as the summarization pipeline does, sorted by length, cut into batches, right-padded with
 * attention_mask; the encoder runs once per batch, the decoder starts from decoder_start_token_id
 * (its first-step branch computing the cross-attention cache), and every row generates exactly
 * {@code newTokens} tokens, each step's decoder presents fed back as the next past as they are, the
 * cross-attention ones kept from the first step.
 */
final class RawSeq2SeqLoop implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession encoder;
  private final OrtSession decoder;
  private final HuggingFaceTokenizer tokenizer;
  private final long pad;
  private final long decoderStart;
  /** Each past input's [heads, head_dim]. */
  private final Map<String, long[]> pastShapes = new HashMap<>();

  RawSeq2SeqLoop(Path folder, long pad, long decoderStart) throws OrtException, IOException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      encoder = env.createSession(folder.resolve("onnx/encoder_model.onnx").toString(), options);
      decoder = env.createSession(folder.resolve("onnx/decoder_model_merged.onnx").toString(), options);
    }
    pastShapes.putAll(RawGreedyLoop.pastShapes(decoder));
    tokenizer = HuggingFaceTokenizer.newInstance(folder.resolve("tokenizer.json"),
        Map.of("addSpecialTokens", "true", "padding", "false", "truncation", "false"));
    this.pad = pad;
    this.decoderStart = decoderStart;
  }

  long[] ids(String source) {
    return tokenizer.encode(source).getIds();
  }

  /** Seconds for {@code threads} threads to generate for their contiguous share of {@code sources}, as Spark's partitions. */
  double seconds(int threads, List<long[]> sources, int batch, int newTokens) throws Exception {
    return Bench.inThreads(threads, sources.size(), (from, to) -> {
      List<long[]> part = new ArrayList<>(sources.subList(from, to));
      part.sort(Comparator.comparingInt(p -> p.length));
      for (int b = 0; b < part.size(); b += batch) generate(part.subList(b, Math.min(b + batch, part.size())), newTokens);
    });
  }

  private void generate(List<long[]> sources, int newTokens) throws OrtException {
    int rows = sources.size();
    int width = sources.stream().mapToInt(s -> s.length).max().orElse(0);
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    Arrays.fill(ids, pad);
    for (int r = 0; r < rows; r++) {
      long[] s = sources.get(r);
      System.arraycopy(s, 0, ids, r * width, s.length);
      Arrays.fill(mask, r * width, r * width + s.length, 1L);
    }
    long[] start = new long[rows];
    Arrays.fill(start, decoderStart);
    try (OnnxTensor input = tensor(ids, rows, width);
         OnnxTensor attention = tensor(mask, rows, width);
         OrtSession.Result encoded = encoder.run(Map.of("input_ids", input, "attention_mask", attention))) {
      OnnxTensor states = (OnnxTensor) encoded.get("last_hidden_state").orElseThrow();
      OrtSession.Result first = step(start, attention, states, null);
      Map<String, OnnxTensor> past = new HashMap<>();
      List<OrtSession.Result> open = new ArrayList<>(List.of(first));
      try {
        presents(first, past);
        OrtSession.Result last = first;
        for (int t = 1; t < newTokens; t++) {
          OrtSession.Result stepped = step(RawGreedyLoop.argmaxLast(last, rows), attention, states, past);
          // the cross-attention presents of a cached step are empty: the first step's stay the past
          presents(stepped, past);
          if (last != first) {
            open.remove(last);
            last.close();
          }
          open.add(stepped);
          last = stepped;
        }
        RawGreedyLoop.argmaxLast(last, rows);
      } finally {
        open.forEach(OrtSession.Result::close);
      }
    }
  }

  /** Takes a step's non-empty presents as the next past. */
  private static void presents(OrtSession.Result result, Map<String, OnnxTensor> past) {
    for (Map.Entry<String, OnnxValue> e : result) {
      OnnxTensor t = (OnnxTensor) e.getValue();
      if (e.getKey().startsWith("present.") && t.getInfo().getShape()[2] > 0) {
        past.put("past_key_values." + e.getKey().substring("present.".length()), t);
      }
    }
  }

  /** A decoder step feeding one token per row over {@code past}, null for the first step. */
  private OrtSession.Result step(long[] tokens, OnnxTensor attention, OnnxTensor states, Map<String, OnnxTensor> past)
      throws OrtException {
    Map<String, OnnxTensor> empty = past == null ? RawGreedyLoop.emptyPasts(pastShapes, tokens.length) : Map.of();
    try (OnnxTensor input = tensor(tokens, tokens.length, 1);
         OnnxTensor useCache = OnnxTensor.createTensor(env, new boolean[] {past != null})) {
      Map<String, OnnxTensor> feeds = new HashMap<>(past == null ? empty : past);
      feeds.put("input_ids", input);
      feeds.put("encoder_attention_mask", attention);
      feeds.put("encoder_hidden_states", states);
      feeds.put("use_cache_branch", useCache);
      return decoder.run(feeds);
    } finally {
      empty.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(long[] data, int rows, int width) throws OrtException {
    return OnnxTensor.createTensor(env, LongBuffer.wrap(data), new long[] {rows, width});
  }

  @Override
  public void close() throws OrtException {
    encoder.close();
    decoder.close();
    tokenizer.close();
  }
}
