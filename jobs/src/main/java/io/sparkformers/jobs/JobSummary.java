package io.sparkformers.jobs;

import io.sparkformers.ml.InferenceStage.StageCounters;
import java.util.Locale;

/** The job's one stdout line; rows in = rows out + rows skipped, as the stage counts them. */
record JobSummary(String task, long rowsIn, long rowsOut, long rowsFailed, long rowsSkipped, int partitions,
    double seconds) {

  static JobSummary of(String task, StageCounters counters, int partitions, long nanos) {
    return new JobSummary(task, counters.rowsIn.value(), counters.rowsOut.value(), counters.rowsFailed.value(),
        counters.rowsSkipped.value(), partitions, nanos / 1e9);
  }

  double rowsPerSecond() {
    return seconds > 0 ? rowsIn / seconds : 0;
  }

  String line() {
    return String.format(Locale.ROOT,
        "sparkformers: task=%s rows_in=%d rows_out=%d rows_failed=%d rows_skipped=%d partitions=%d seconds=%.1f"
            + " rows_per_s=%.1f", task, rowsIn, rowsOut, rowsFailed, rowsSkipped, partitions, seconds, rowsPerSecond());
  }
}
