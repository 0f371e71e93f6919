package io.sparkformers.inference.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A loaded graph. Thread-safe: concurrent tasks of one executor share one session. */
public interface ModelSession extends AutoCloseable {
  List<String> inputNames();

  List<String> outputNames();

  /** Declared input shape; -1 marks a dynamic axis (a symbolic dimension such as the batch). */
  long[] inputShape(String name);

  /** Declared output shape; -1 marks a dynamic axis. */
  long[] outputShape(String name);

  /** Runs the graph; returns the requested outputs, or all of them when none are named. */
  Map<String, Tensor> run(Map<String, Tensor> inputs, String... outputs);

  /**
   * Runs the graph like {@link #run}, leaving the outputs where the engine wrote them until the
   * result is closed, for callers that each want only some of the rows; in the heap unless the
   * engine can do better.
   */
  default HeldOutputs runHeld(Map<String, Tensor> inputs, String... outputs) {
    return HeldOutputs.inHeap(run(inputs, outputs));
  }

  /** Runs that keep outputs in the engine's memory; empty when the engine cannot. */
  default Optional<ResidentRuns> residentRuns() {
    return Optional.empty();
  }

  @Override
  void close();
}
