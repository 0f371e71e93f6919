package io.sparkformers.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The raw loops' parallelism: items [from, to) split in contiguous shares, one thread each, as
 * Spark's range partitions split rows across tasks.
 */
final class ThreadShares {
  /** Processes items [first, end); returns a checksum, so the work cannot be optimized away. */
  interface Share {
    double run(long first, long end) throws Exception;
  }

  private ThreadShares() {}

  /** Seconds until every share is done. */
  static double seconds(long from, long to, int threads, Share share) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long started = System.nanoTime();
      List<Future<Double>> shares = new ArrayList<>();
      long items = to - from;
      for (int t = 0; t < threads; t++) {
        long first = from + items * t / threads;
        long end = from + items * (t + 1) / threads;
        shares.add(pool.submit(() -> share.run(first, end)));
      }
      double checksum = 0;
      for (Future<Double> f : shares) checksum += f.get();
      if (Double.isNaN(checksum)) throw new IllegalStateException("NaN output");
      return (System.nanoTime() - started) / 1e9;
    } finally {
      pool.shutdown();
    }
  }
}
