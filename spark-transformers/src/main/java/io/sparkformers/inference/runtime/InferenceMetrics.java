package io.sparkformers.inference.runtime;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one run of a stage over a partition (and, summed, of a JVM). Thread-safe. */
public final class InferenceMetrics {
  public final AtomicLong rows = new AtomicLong();
  public final AtomicLong failedRows = new AtomicLong();
  public final AtomicLong batches = new AtomicLong();
  /** Sum of the real lengths (tokens, pixels, samples) fed to the model. */
  public final AtomicLong realCost = new AtomicLong();
  /** Sum of the padded lengths: batch size times its longest member. */
  public final AtomicLong paddedCost = new AtomicLong();
  public final AtomicLong forwardNanos = new AtomicLong();

  /** Share of the model's input that is padding, 0 when nothing ran. */
  public double paddingRatio() {
    long padded = paddedCost.get();
    return padded == 0 ? 0 : 1.0 - (double) realCost.get() / padded;
  }

  @Override
  public String toString() {
    double forwardS = forwardNanos.get() / 1e9;
    return String.format(java.util.Locale.ROOT,
        "rows=%d failed=%d batches=%d padding=%.1f%% forward=%.2fs rows/s(forward)=%.1f",
        rows.get(), failedRows.get(), batches.get(), 100 * paddingRatio(), forwardS,
        forwardS == 0 ? 0 : rows.get() / forwardS);
  }
}
