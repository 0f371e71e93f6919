package io.sparkformers.inference.engine;

import java.io.Serializable;

/**
 * How an engine sets up a session: threads per run, and ONNX Runtime's two memory settings that
 * matter on executors shared by several tasks or jobs (the dl4j engine has neither).
 *
 * @param threads intra-op threads one run may use; Spark's task.cpus on CPU
 * @param cpuArena ONNX Runtime's CPU arena allocator: keeps freed blocks for reuse (faster) and
 *     grows to the largest batch seen, never handing memory back to the executor
 * @param memoryPattern ONNX Runtime's memory pattern optimization: plans one allocation per input
 *     shape from the runs before, which pays for fixed shapes and costs memory for varying ones
 */
public record EngineOptions(int threads, boolean cpuArena, boolean memoryPattern) implements Serializable {

  /** ONNX Runtime's defaults: arena and memory pattern on. */
  public static EngineOptions defaults(int threads) {
    return new EngineOptions(threads, true, true);
  }
}
