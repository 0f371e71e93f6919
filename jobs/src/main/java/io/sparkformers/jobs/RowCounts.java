package io.sparkformers.jobs;

import io.sparkformers.ml.InferenceStage.StageCounters;

/** A job's or a chunk's rows: in = out + skipped; failed rows are skipped or kept with their reason. */
record RowCounts(long in, long out, long failed, long skipped) {
  static final RowCounts NONE = new RowCounts(0, 0, 0, 0);

  static RowCounts of(StageCounters counters) {
    var t = counters.total();
    return new RowCounts(t.in(), t.out(), t.failed(), t.skipped());
  }

  RowCounts plus(RowCounts o) {
    return new RowCounts(in + o.in, out + o.out, failed + o.failed, skipped + o.skipped);
  }
}
