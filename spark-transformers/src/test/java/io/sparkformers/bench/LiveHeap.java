package io.sparkformers.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak live heap over a stretch of work, sampled by a full collection every half second. Heap in
 * use after a young collection still holds old-generation garbage, whose amount depends on when the
 * last full collection happened; after a full collection only what the work keeps is left, the
 * figure that must not grow with the row count.
 */
final class LiveHeap implements AutoCloseable {
  private static final long PERIOD_MS = 500;
  private final AtomicLong peak = new AtomicLong();
  private final Thread sampler;
  private volatile boolean running = true;

  private LiveHeap() {
    sampler = new Thread(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(PERIOD_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "live-heap-sampler");
    sampler.setDaemon(true);
  }

  static LiveHeap start() {
    LiveHeap heap = new LiveHeap();
    heap.sampler.start();
    return heap;
  }

  private void sample() {
    System.gc();
    peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
  }

  /** Peak live bytes since {@link #start}, including a sample now. */
  long peakBytes() {
    sample();
    return peak.get();
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
