package io.sparkformers.inference.audio;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkformers.inference.engine.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a fixture graph with ONNX Runtime directly, standing in for the engine in tests so the
 * audio layer can be checked end to end against pipeline goldens. Test code only.
 */
final class OnnxTestModel implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  OnnxTestModel(String modelFolder) {
    try {
      session = env.createSession(Fixtures.path(modelFolder + "/onnx/model.onnx").toString(), new OrtSession.SessionOptions());
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  Set<String> inputNames() {
    return session.getInputNames();
  }

  /** Runs the graph and returns its first output as float [batch, ...]. */
  Tensor run(Map<String, Tensor> inputs) {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        Tensor t = e.getValue();
        feeds.put(e.getKey(), t.type() == Tensor.Type.FLOAT32
            ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), t.shape())
            : OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), t.shape()));
      }
      try (OrtSession.Result result = session.run(feeds)) {
        OnnxTensor out = (OnnxTensor) result.get(0);
        FloatBuffer buffer = out.getFloatBuffer();
        float[] data = new float[buffer.remaining()];
        buffer.get(data);
        return Tensor.floats(data, out.getInfo().getShape());
      }
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  Tensor run(Wav2Vec2FeatureExtractor extractor, List<AudioFeatures> batch) {
    return run(extractor.collate(batch, inputNames()));
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
