package io.sparkformers.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The FeatureExtractor stage's work written as a plain loop over ONNX Runtime and DJL, none of our
 * classes: the same tokenizer settings, the same rows split in the same halves as Spark's two
 * partitions, the same length-sorted windows and batches, mean pooling and L2 normalization, one
 * thread per half sharing one session with intra-op threads 1. Its rows/s is what the stage should
 * reach; its {@link #embeddings} are what the stage should output.
 */
public final class RawOrtLoop implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String output;
  private final HuggingFaceTokenizer tokenizer;

  RawOrtLoop(Path modelDir, int maxLength) throws OrtException, IOException {
    this(modelDir, "model.onnx", maxLength);
  }

  /** Over the graph {@code graphFile} of the folder (model_quantized.onnx: the int8 one). */
  public RawOrtLoop(Path modelDir, String graphFile, int maxLength) throws OrtException, IOException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(modelDir.resolve(graphFile).toString(), options);
    }
    // only the output the stage reads, as FeatureExtractionPipeline requests it
    output = session.getOutputNames().contains("last_hidden_state")
        ? "last_hidden_state" : session.getOutputNames().iterator().next();
    // as TextTokenizer configures it: special tokens, truncation to the model's length, no padding
    tokenizer = HuggingFaceTokenizer.newInstance(modelDir.resolve("tokenizer.json"), Map.of(
        "addSpecialTokens", "true", "truncation", "LONGEST_FIRST", "padding", "false",
        "maxLength", Integer.toString(maxLength), "modelMaxLength", Integer.toString(maxLength)));
  }

  /** Embeds sentences [from, to) on {@code threads} threads, a contiguous share each, as Spark's range partitions them; returns seconds. */
  double seconds(long from, long to, int threads, int batchSize, int window) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long started = System.nanoTime();
      List<Future<Double>> shares = new ArrayList<>();
      long rows = to - from;
      for (int t = 0; t < threads; t++) {
        long first = from + rows * t / threads;
        long end = from + rows * (t + 1) / threads;
        shares.add(pool.submit(() -> embed(first, end, batchSize, window)));
      }
      double checksum = 0;
      for (Future<Double> f : shares) checksum += f.get();
      if (Double.isNaN(checksum)) throw new IllegalStateException("NaN embedding");
      return (System.nanoTime() - started) / 1e9;
    } finally {
      pool.shutdown();
    }
  }

  /** Embeds rows [from, to) a window at a time, as LengthBucketBatcher does; returns a checksum. */
  private double embed(long from, long to, int batchSize, int window) throws OrtException {
    double checksum = 0;
    for (long start = from; start < to; start += window) {
      List<Encoding> encodings = new ArrayList<>(window);
      for (long i = start; i < Math.min(start + window, to); i++) {
        encodings.add(tokenizer.encode(Sentences.sentence(i)));
      }
      encodings.sort(Comparator.comparingInt(e -> e.getIds().length));
      for (int b = 0; b < encodings.size(); b += batchSize) {
        checksum += run(encodings.subList(b, Math.min(b + batchSize, encodings.size())));
      }
    }
    return checksum;
  }

  /**
   * Mean-pooled, L2-normalized embeddings of {@code sentences}, in their order, run as the stage runs
   * one partition of them: sorted by length (a stable sort, one window), cut into batches of
   * {@code batchSize}, each padded to its longest row. The batches matter for an int8 graph: its
   * activations are quantized with one scale per tensor, so a row's embedding depends on its batch.
   */
  public float[][] embeddings(List<String> sentences, int batchSize) throws OrtException {
    List<Integer> order = new ArrayList<>();
    List<Encoding> encodings = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      order.add(i);
      encodings.add(tokenizer.encode(sentences.get(i)));
    }
    order.sort(Comparator.comparingInt(i -> encodings.get(i).getIds().length));
    float[][] out = new float[sentences.size()][];
    for (int b = 0; b < order.size(); b += batchSize) {
      List<Integer> rows = order.subList(b, Math.min(b + batchSize, order.size()));
      float[][] batch = forward(rows.stream().map(encodings::get).toList());
      for (int r = 0; r < rows.size(); r++) out[rows.get(r)] = batch[r];
    }
    return out;
  }

  private double run(List<Encoding> batch) throws OrtException {
    double checksum = 0;
    for (float[] embedding : forward(batch)) checksum += embedding[0];
    return checksum;
  }

  /** One forward pass over the batch padded to its longest row; each row's embedding. */
  private float[][] forward(List<Encoding> batch) throws OrtException {
    int rows = batch.size();
    int width = 0;
    for (Encoding e : batch) width = Math.max(width, e.getIds().length);
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    long[] types = new long[rows * width];
    for (int r = 0; r < rows; r++) {
      long[] rowIds = batch.get(r).getIds();
      System.arraycopy(rowIds, 0, ids, r * width, rowIds.length);
      Arrays.fill(mask, r * width, r * width + rowIds.length, 1L);
    }
    long[] shape = {rows, width};
    try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
         OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
         OnnxTensor typesT = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
         OrtSession.Result out = session.run(
             Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT), Set.of(output))) {
      FloatBuffer hidden = ((OnnxTensor) out.get(0)).getFloatBuffer();
      int dim = hidden.capacity() / (rows * width);
      float[][] embeddings = new float[rows][];
      for (int r = 0; r < rows; r++) {
        embeddings[r] = meanNormalized(hidden, r * width * dim, batch.get(r).getIds().length, dim);
      }
      return embeddings;
    }
  }

  private static float[] meanNormalized(FloatBuffer hidden, int base, int tokens, int dim) {
    float[] mean = new float[dim];
    for (int t = 0; t < tokens; t++) {
      for (int d = 0; d < dim; d++) mean[d] += hidden.get(base + t * dim + d);
    }
    double norm = 0;
    for (int d = 0; d < dim; d++) {
      mean[d] /= tokens;
      norm += (double) mean[d] * mean[d];
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (int d = 0; d < dim; d++) mean[d] = (float) (mean[d] / norm);
    return mean;
  }

  @Override
  public void close() throws OrtException {
    session.close();
    tokenizer.close();
  }
}
