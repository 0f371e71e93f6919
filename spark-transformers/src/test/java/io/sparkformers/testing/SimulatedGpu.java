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
 * a time, in the order they were queued (sessions on one device share it), each taking wall
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
  /** When the last pass queued ends ({@link System#nanoTime}). */
  private long freeAt = Long.MIN_VALUE;
  private final List<Pass> passes = new ArrayList<>();

  public SimulatedGpu(Cost cost) {
    this.cost = cost;
  }

  /** The JVM's device {@code index}, with the cost of the system properties. */
  public static SimulatedGpu device(int index) {
    return DEVICES.computeIfAbsent(index, i -> new SimulatedGpu(Cost.fromSystemProperties()));
  }

  /**
   * Computes a pass over {@code rows} rows whose largest input has {@code cells} cells: queues it on
   * the device, which runs passes one after another in the order they came, as a CUDA stream runs
   * the kernels of runs launched on it; the caller waits until its pass is done (the cost covers
   * copying the results off the device), then makes the outputs on its own thread, as the ONNX
   * Runtime engine copies a run's results into the Java heap after the run. A pass queued while
   * another runs starts the moment that one ends, whether or not its caller's thread is then on a
   * core, as a GPU starts launched work without the host.
   *
   * @throws IllegalStateException over the memory limit: what the ONNX Runtime engine throws for a
   *     CUDA out-of-memory (its message, an {@link OrtException} as the cause)
   */
  public <T> T forward(int rows, long cells, Supplier<T> outputs) {
    long done = enqueue(rows, cells);
    // parkNanos wakes within tens of microseconds, where Thread.sleep rounds to milliseconds on JDK 17
    for (long now = System.nanoTime(); now < done; now = System.nanoTime()) LockSupport.parkNanos(done - now);
    return outputs.get();
  }

  /** Books the pass on the device's timeline; when it will be done. */
  private synchronized long enqueue(int rows, long cells) {
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
    long started = Math.max(System.nanoTime(), freeAt);
    long took = cost.launchNanos() + cost.cellNanos() * cells;
    freeAt = started + took;
    busyNanos += took;
    this.cells += cells;
    passes.add(new Pass(rows, started, freeAt));
    return freeAt;
  }

  public synchronized Usage usage() {
    return new Usage(busyNanos, List.copyOf(passes), cells, outOfMemory);
  }
}
