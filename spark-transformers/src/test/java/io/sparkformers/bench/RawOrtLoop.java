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

/**
 * The FeatureExtractor stage's work written as a plain loop over ONNX Runtime and DJL, none of our
 * classes: the same tokenizer settings, the same rows split in the same halves as Spark's two
 * partitions, the same length-sorted windows and batches, mean pooling and L2 normalization, one
 * thread per half sharing one session with intra-op threads 1. Its rows/s is what the stage should
 * reach.
 */
final class RawOrtLoop implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String output;
  private final HuggingFaceTokenizer tokenizer;

  RawOrtLoop(Path modelDir, int maxLength) throws OrtException, IOException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(modelDir.resolve("model.onnx").toString(), options);
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
    return ThreadShares.seconds(from, to, threads, (first, end) -> embed(first, end, batchSize, window));
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

  private double run(List<Encoding> batch) throws OrtException {
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
      double checksum = 0;
      for (int r = 0; r < rows; r++) {
        checksum += meanNormalized(hidden, r * width * dim, batch.get(r).getIds().length, dim)[0];
      }
      return checksum;
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
