package io.sparkformers.inference.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.nio.file.Path;

/**
 * Child JVM of OrtMemoryOptionsTest: opens a graph through the engine with ONNX Runtime logging
 * at verbose, so the session prints the options it was built with (to the process's native stderr,
 * which only a parent process can read). Arguments: graph, cpuArena, memoryPattern.
 */
public final class OpenSessionVerboseMain {
  private OpenSessionVerboseMain() {}

  public static void main(String[] args) throws Exception {
    // the engine takes the environment that exists: this one, verbose
    OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE, "engine-options-test");
    EngineOptions options = new EngineOptions(1, Boolean.parseBoolean(args[1]), Boolean.parseBoolean(args[2]));
    try (ModelSession session = OnnxRuntimeEngine.INSTANCE.open(Path.of(args[0]), Device.CPU, options)) {
      System.out.println("opened " + session.inputNames());
    }
  }
}
