package io.sparkformers.jobs;

import java.util.Locale;

/** The job's one stdout line; rows in = rows out + rows skipped, as the stage counts them. */
record JobSummary(String task, RowCounts rows, int partitions, double seconds) {

  static JobSummary of(String task, RowCounts rows, int partitions, long nanos) {
    return new JobSummary(task, rows, partitions, nanos / 1e9);
  }

  double rowsPerSecond() {
    return seconds > 0 ? rows.in() / seconds : 0;
  }

  String line() {
    return String.format(Locale.ROOT,
        "sparkformers: task=%s rows_in=%d rows_out=%d rows_failed=%d rows_skipped=%d partitions=%d seconds=%.1f"
            + " rows_per_s=%.1f", task, rows.in(), rows.out(), rows.failed(), rows.skipped(), partitions, seconds,
        rowsPerSecond());
  }
}
