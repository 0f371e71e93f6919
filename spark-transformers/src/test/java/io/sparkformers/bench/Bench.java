package io.sparkformers.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What the benchmarks share: rounding for the JSON line, and a raw loop split over threads. */
final class Bench {
  private Bench() {}

  interface Range {
    void run(int from, int to) throws Exception;
  }

  /** Seconds for {@code threads} threads to run [0, size) in equal contiguous parts, as Spark's partitions. */
  static double inThreads(int threads, int size, Range work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long started = System.nanoTime();
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = size * t / threads;
        int to = size * (t + 1) / threads;
        parts.add(pool.submit(() -> {
          work.run(from, to);
          return null;
        }));
      }
      for (Future<?> f : parts) f.get();
      return (System.nanoTime() - started) / 1e9;
    } finally {
      pool.shutdown();
    }
  }

  /** The middle value; of an even count, the mean of the two middle ones. */
  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static double round(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v));
  }
}
