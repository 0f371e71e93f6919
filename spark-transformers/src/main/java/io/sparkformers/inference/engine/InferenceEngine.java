package io.sparkformers.inference.engine;

import java.nio.file.Path;

/** Loads graphs for a device. Knows tensors, never tasks. */
public interface InferenceEngine {
  String name();

  /** Whether this JVM can run graphs on a CUDA device with this engine. */
  boolean gpuUsable();

  /**
   * @param graph an ONNX file
   * @param device a resolved device (never {@code auto})
   * @param options threads per run and memory settings
   */
  ModelSession open(Path graph, Device device, EngineOptions options);

  static InferenceEngine named(String name) {
    switch (name == null ? "onnxruntime" : name.toLowerCase(java.util.Locale.ROOT)) {
      case "onnxruntime":
      case "ort":
        return OnnxRuntimeEngine.INSTANCE;
      case "dl4j":
        return Dl4jEngine.get();
      default:
        throw new IllegalArgumentException("unknown engine '" + name + "'; available: onnxruntime, dl4j");
    }
  }
}
