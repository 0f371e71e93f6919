package io.sparkformers.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long started = System.nanoTime();
      List<Future<Double>> shares = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = batches.size() * t / threads;
        int end = batches.size() * (t + 1) / threads;
        shares.add(pool.submit(() -> run(batches.subList(first, end), shapes.subList(first, end))));
      }
      double checksum = 0;
      for (Future<Double> f : shares) checksum += f.get();
      if (Double.isNaN(checksum)) throw new IllegalStateException("NaN logits");
      return (System.nanoTime() - started) / 1e9;
    } finally {
      pool.shutdown();
    }
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
