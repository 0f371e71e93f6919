package io.sparkformers.inference.task;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A fixture's ONNX graph run on one unpadded sequence, for the logits the decoders are fed. */
final class OnnxModel implements AutoCloseable {
  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
  private final OrtSession session;

  OnnxModel(Path graph) throws OrtException {
    session = environment.createSession(graph.toString(), new OrtSession.SessionOptions());
  }

  /**
   * Every float output of the graph for one sequence, flattened row-major without the batch axis.
   */
  Map<String, float[]> run(long[] inputIds, long[] attentionMask, long[] tokenTypeIds)
      throws OrtException {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    inputs.put("input_ids", OnnxTensor.createTensor(environment, new long[][] {inputIds}));
    inputs.put(
        "attention_mask", OnnxTensor.createTensor(environment, new long[][] {attentionMask}));
    inputs.put("token_type_ids", OnnxTensor.createTensor(environment, new long[][] {tokenTypeIds}));
    try (OrtSession.Result result = session.run(inputs)) {
      Map<String, float[]> outputs = new HashMap<>();
      for (Map.Entry<String, OnnxValue> output : result) {
        FloatBuffer buffer = ((OnnxTensor) output.getValue()).getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        outputs.put(output.getKey(), values);
      }
      return outputs;
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
