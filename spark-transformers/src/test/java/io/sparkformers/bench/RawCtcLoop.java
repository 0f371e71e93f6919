package io.sparkformers.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The SpeechRecognizer stage's work on {@link SyntheticClips} as a plain loop over ONNX Runtime, none
 * of our classes: the same clips in the same halves as Spark's two partitions, PCM16 read and
 * normalized per clip as Wav2Vec2FeatureExtractor does, the same windows (sorted by length or not),
 * batches cut by row count, and inside a batch one run per group of equal lengths (the model has no
 * attention mask), then argmax per frame. One thread per half, sharing one session, intra-op threads 1.
 */
final class RawCtcLoop implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  RawCtcLoop(Path modelDir) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(modelDir.resolve("onnx").resolve("model.onnx").toString(), options);
    }
  }

  /** Transcribes clips [from, to) on {@code threads} threads, a contiguous share each; returns seconds. */
  double seconds(long from, long to, boolean wholeSeconds, boolean sorted, int threads, int batchSize, int window)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long started = System.nanoTime();
      List<Future<Long>> shares = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long first = from + (to - from) * t / threads;
        long end = from + (to - from) * (t + 1) / threads;
        shares.add(pool.submit(() -> transcribe(first, end, wholeSeconds, sorted, batchSize, window)));
      }
      long frames = 0;
      for (Future<Long> f : shares) frames += f.get();
      if (frames == 0) throw new IllegalStateException("no frames");
      return (System.nanoTime() - started) / 1e9;
    } finally {
      pool.shutdown();
    }
  }

  private long transcribe(long from, long to, boolean wholeSeconds, boolean sorted, int batchSize, int window)
      throws OrtException {
    long frames = 0;
    for (long start = from; start < to; start += window) {
      List<float[]> clips = new ArrayList<>(window);
      for (long i = start; i < Math.min(start + window, to); i++) {
        clips.add(normalized(SyntheticClips.pcm(SyntheticClips.wav(i, wholeSeconds))));
      }
      if (sorted) clips.sort(Comparator.comparingInt(c -> c.length));
      for (int b = 0; b < clips.size(); b += batchSize) {
        Map<Integer, List<float[]>> groups = new LinkedHashMap<>();
        for (float[] clip : clips.subList(b, Math.min(b + batchSize, clips.size()))) {
          groups.computeIfAbsent(clip.length, k -> new ArrayList<>()).add(clip);
        }
        for (List<float[]> group : groups.values()) frames += run(group);
      }
    }
    return frames;
  }

  /** (x - mean) / sqrt(var + 1e-7), as Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm. */
  private static float[] normalized(float[] x) {
    double mean = 0;
    for (float v : x) mean += v;
    mean /= x.length;
    double variance = 0;
    for (float v : x) variance += (v - mean) * (v - mean);
    double std = Math.sqrt(variance / x.length + 1e-7);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) out[i] = (float) ((x[i] - mean) / std);
    return out;
  }

  /** One unpadded batch of equal-length clips; returns the non-blank frames of the argmax path. */
  private long run(List<float[]> group) throws OrtException {
    int rows = group.size();
    int length = group.get(0).length;
    float[] values = new float[rows * length];
    for (int r = 0; r < rows; r++) System.arraycopy(group.get(r), 0, values, r * length, length);
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {rows, length});
         OrtSession.Result out = session.run(Map.of("input_values", input), Set.of("logits"))) {
      OnnxTensor logits = (OnnxTensor) out.get(0);
      long[] shape = logits.getInfo().getShape();
      FloatBuffer data = logits.getFloatBuffer();
      int vocab = (int) shape[2];
      long tokens = 0;
      for (int f = 0; f < rows * shape[1]; f++) {
        int best = 0;
        for (int v = 1; v < vocab; v++) if (data.get(f * vocab + v) > data.get(f * vocab + best)) best = v;
        if (best != 0) tokens++;
      }
      return tokens + 1;
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
