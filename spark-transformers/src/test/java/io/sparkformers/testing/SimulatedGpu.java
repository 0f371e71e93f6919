package io.sparkformers.testing;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A simulated accelerator, so the device worker can be measured without a GPU: one forward pass at
 * a time (sessions on one device share it, as CUDA streams of one process do), each taking wall
 * clock time, a launch cost plus a cost per padded cell (rows x tokens for text), and failing above
 * a memory limit in cells as ONNX Runtime's CUDA arena does. It burns no CPU while it "computes".
 */
public final class SimulatedGpu {
  /**
   * @param launchNanos fixed cost of a forward pass
   * @param cellNanos cost of each cell of the largest input (each padded token of a text batch)
   * @param memoryCells the largest input a forward pass may hold; above it the pass fails for memory
   */
  public record Cost(long launchNanos, long cellNanos, long memoryCells) {
    /** From system properties sim.launchMicros (1000), sim.cellNanos (1000) and sim.memoryCells (no limit). */
    public static Cost fromSystemProperties() {
      return new Cost(Long.getLong("sim.launchMicros", 1_000) * 1_000, Long.getLong("sim.cellNanos", 1_000),
          Long.getLong("sim.memoryCells", Long.MAX_VALUE));
    }
  }

  /** One forward pass: its rows, and when it started and ended ({@link System#nanoTime}). */
  public record Pass(int rows, long startNanos, long endNanos) {}

  /** What the device did: time computing, forward passes in order, cells computed, passes failed for memory. */
  public record Usage(long busyNanos, List<Pass> passes, long cells, long outOfMemory) {
    public List<Integer> rowsPerForward() {
      return passes.stream().map(Pass::rows).toList();
    }
  }

  private static final Map<Integer, SimulatedGpu> DEVICES = new ConcurrentHashMap<>();

  private final Cost cost;
  private long busyNanos;
  private long cells;
  private long outOfMemory;
  private final List<Pass> passes = new ArrayList<>();

  public SimulatedGpu(Cost cost) {
    this.cost = cost;
  }

  /** The JVM's device {@code index}, with the cost of the system properties. */
  public static SimulatedGpu device(int index) {
    return DEVICES.computeIfAbsent(index, i -> new SimulatedGpu(Cost.fromSystemProperties()));
  }

  /**
   * Computes a pass over {@code rows} rows whose largest input has {@code cells} cells: waits for the
   * device and takes the pass's cost of it (the cost covers copying the results off the device),
   * then makes the outputs on the calling thread once the device is free for the next pass, as the
   * ONNX Runtime engine copies a run's results into the Java heap after the run.
   *
   * @throws IllegalStateException over the memory limit: what the ONNX Runtime engine throws for a
   *     CUDA out-of-memory (its message, an {@link OrtException} as the cause)
   */
  public <T> T forward(int rows, long cells, Supplier<T> outputs) {
    compute(rows, cells);
    return outputs.get();
  }

  private synchronized void compute(int rows, long cells) {
    if (cells > cost.memoryCells()) {
      outOfMemory++;
      String message = "Error code - ORT_RUNTIME_EXCEPTION - message: Non-zero status code returned while running"
          + " MatMul node. Name:'/encoder/layer.0/attention/self/MatMul' Status Message: /onnxruntime_src/onnxruntime/"
          + "core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool,"
          + " onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for requested"
          + " buffer of size " + cells * 1536;
      throw new IllegalStateException("ONNX Runtime run failed: " + message,
          new OrtException(OrtException.OrtErrorCode.ORT_RUNTIME_EXCEPTION, message));
    }
    long started = System.nanoTime();
    long until = started + cost.launchNanos() + cost.cellNanos() * cells;
    // parkNanos wakes within tens of microseconds, where Thread.sleep rounds to milliseconds on JDK 17
    for (long now = started; now < until; now = System.nanoTime()) LockSupport.parkNanos(until - now);
    long ended = System.nanoTime();
    busyNanos += ended - started;
    this.cells += cells;
    passes.add(new Pass(rows, started, ended));
  }

  public synchronized Usage usage() {
    return new Usage(busyNanos, List.copyOf(passes), cells, outOfMemory);
  }
}
