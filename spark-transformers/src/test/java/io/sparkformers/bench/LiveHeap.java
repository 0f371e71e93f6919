package io.sparkformers.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Peak live heap over a stretch of work, sampled by a full collection every half second. Heap in
 * use after a young collection still holds old-generation garbage, whose amount depends on when the
 * last full collection happened; after a full collection only what the work keeps is left, the
 * figure that must not grow with the row count.
 */
final class LiveHeap implements AutoCloseable {
  private static final long PERIOD_MS = 500;
  private final List<Long> samples = new ArrayList<>();
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

  private synchronized void sample() {
    System.gc();
    samples.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }

  /** Peak live bytes since {@link #start}, including a sample now. */
  long peakBytes() {
    sample();
    return sorted().get(samples.size() - 1);
  }

  /**
   * Median live bytes: the working set most of the time. The peak of a longer run is the larger of
   * more samples, so it grows with run length even when memory is bounded; the median does not.
   */
  long medianBytes() {
    return sorted().get(samples.size() / 2);
  }

  private synchronized List<Long> sorted() {
    List<Long> copy = new ArrayList<>(samples);
    copy.sort(null);
    return copy;
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
