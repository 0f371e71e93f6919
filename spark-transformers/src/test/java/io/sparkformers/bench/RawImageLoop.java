package io.sparkformers.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.task.vision.ImageClassificationPipeline;
import io.sparkformers.inference.vision.ImageBatch;
import io.sparkformers.inference.vision.ImageInput;
import io.sparkformers.inference.vision.ProcessedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ImageClassifier stage's ceilings: a plain OrtSession (intra-op threads 1) shared by one
 * thread per contiguous share of the batches, as Spark's two tasks share the stage's session; no
 * Spark, no stage, no batcher. It either runs already pre-processed, stacked batches (the forward
 * pass alone), or reads, decodes and pre-processes each batch of image files first with the
 * pipeline's own {@code preprocess} (the same work the stage does, minus Spark).
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

  /** Runs every pre-processed batch ([n, 3, h, w] data with its shape) on {@code threads} threads; returns seconds. */
  double seconds(List<float[]> batches, List<long[]> shapes, int threads) throws Exception {
    return Bench.inThreads(threads, batches.size(), (from, to) -> {
      for (int b = from; b < to; b++) forward(batches.get(b), shapes.get(b));
    });
  }

  /** Reads, decodes, pre-processes and runs the image files in batches of {@code batch}; returns seconds. */
  double secondsFromFiles(List<Path> files, ImageClassificationPipeline pipeline, int batch, int threads)
      throws Exception {
    return Bench.inThreads(threads, files.size(), (from, to) -> {
      for (int b = from; b < to; b += batch) {
        List<ProcessedImage> processed = new ArrayList<>(batch);
        for (Path file : files.subList(b, Math.min(b + batch, to))) {
          processed.add(pipeline.preprocess(new ImageInput.Encoded(Files.readAllBytes(file))));
        }
        Tensor pixels = ImageBatch.stack(processed).get(ImageBatch.PIXEL_VALUES);
        forward(pixels.floats(), pixels.shape());
      }
    });
  }

  private void forward(float[] pixels, long[] shape) throws OrtException {
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
         OrtSession.Result out = session.run(Map.of(ImageBatch.PIXEL_VALUES, input))) {
      if (Float.isNaN(((OnnxTensor) out.get(0)).getFloatBuffer().get(0))) throw new IllegalStateException("NaN logits");
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
