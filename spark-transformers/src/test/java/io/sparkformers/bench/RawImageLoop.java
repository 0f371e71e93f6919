package io.sparkformers.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The forward-pass ceiling of the ImageClassifier stage: already pre-processed, already stacked
 * pixel_values batches through a plain OrtSession (intra-op threads 1), one thread per half of the
 * batches sharing the session, as Spark's two tasks share the stage's. None of our classes.
 */
final class RawImageLoop implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  RawImageLoop(Path graph) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(graph.toString(), options);
    }
  }

  /** Runs every batch ([n, 3, h, w] data with its shape) on {@code threads} threads, a contiguous share each; returns seconds. */
  double seconds(List<float[]> batches, List<long[]> shapes, int threads) throws Exception {
    return ThreadShares.seconds(0, batches.size(), threads,
        (first, end) -> run(batches.subList((int) first, (int) end), shapes.subList((int) first, (int) end)));
  }

  private double run(List<float[]> batches, List<long[]> shapes) throws OrtException {
    double checksum = 0;
    for (int b = 0; b < batches.size(); b++) {
      try (OnnxTensor pixels = OnnxTensor.createTensor(env, FloatBuffer.wrap(batches.get(b)), shapes.get(b));
           OrtSession.Result out = session.run(Map.of("pixel_values", pixels))) {
        checksum += ((OnnxTensor) out.get(0)).getFloatBuffer().get(0);
      }
    }
    return checksum;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
