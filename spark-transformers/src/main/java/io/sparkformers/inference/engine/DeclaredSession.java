package io.sparkformers.inference.engine;

import java.util.List;
import java.util.Map;

/**
 * A session over a graph that declares its inputs and outputs up front, as an ONNX file does:
 * the names, and the shapes of the tensors among them, read once when the graph is loaded.
 */
abstract class DeclaredSession implements ModelSession {
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, long[]> inputShapes;
  private final Map<String, long[]> outputShapes;

  DeclaredSession(List<String> inputs, List<String> outputs, Map<String, long[]> inputShapes,
      Map<String, long[]> outputShapes) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.inputShapes = Map.copyOf(inputShapes);
    this.outputShapes = Map.copyOf(outputShapes);
  }

  @Override
  public final List<String> inputNames() {
    return inputs;
  }

  @Override
  public final List<String> outputNames() {
    return outputs;
  }

  @Override
  public final long[] inputShape(String name) {
    return declared(inputShapes, name, "input");
  }

  @Override
  public final long[] outputShape(String name) {
    return declared(outputShapes, name, "output");
  }

  /** Whether the graph takes a tensor of this name. */
  final boolean takesTensor(String name) {
    return inputShapes.containsKey(name);
  }

  /**
   * The outputs of a run, refused when one does not have the shape its graph declares (rank, and
   * every fixed dimension): the pipelines size their reads by the declared shapes, so a graph that
   * lies about them would otherwise read past a row or mix up labels.
   */
  final Map<String, Tensor> asDeclared(Map<String, Tensor> outputs) {
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      long[] declared = outputShapes.get(e.getKey());
      long[] actual = e.getValue().shape();
      if (declared == null) continue;
      boolean agrees = declared.length == actual.length;
      for (int i = 0; agrees && i < declared.length; i++) agrees = declared[i] <= 0 || declared[i] == actual[i];
      if (!agrees) {
        throw new IllegalStateException("the graph declares output " + e.getKey() + " as "
            + java.util.Arrays.toString(declared) + " but produced " + java.util.Arrays.toString(actual)
            + ": its declared shapes are wrong (-1 is a free dimension)");
      }
    }
    return outputs;
  }

  private static long[] declared(Map<String, long[]> shapes, String name, String kind) {
    long[] shape = shapes.get(name);
    if (shape == null) throw new IllegalArgumentException("graph has no tensor " + kind + " " + name);
    return shape.clone();
  }
}
