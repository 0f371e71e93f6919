package io.sparkformers.ml;

import io.sparkformers.ml.CommittedRowCounts.Tally;
import java.io.Serializable;
import java.lang.ref.WeakReference;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import io.sparkformers.platform.ScalaCollections;

/**
 * How many bad rows a stage accepts before it stops the job (maxFailedRows, maxFailedFraction), so
 * a wrong column or model fails in seconds instead of writing hours of nulls. A task stops as soon
 * as its own failed rows pass maxFailedRows (then the job's have too); the driver checks both limits
 * over the committed tasks' counts each time a task ends, and cancels the stage when they pass. The
 * fraction is of the rows counted so far, judged from {@link #ROWS_BEFORE_FRACTION} rows on.
 */
final class ErrorBudget implements Serializable {
  /** Rows the committed counts must hold before their fraction is judged, so a few bad rows at the start stop nothing. */
  static final long ROWS_BEFORE_FRACTION = 200;

  private final Long maxFailedRows;
  private final Double maxFailedFraction;

  ErrorBudget(Long maxFailedRows, Double maxFailedFraction) {
    this.maxFailedRows = maxFailedRows;
    this.maxFailedFraction = maxFailedFraction;
  }

  boolean isSet() {
    return maxFailedRows != null || maxFailedFraction != null;
  }

  /** In a task, after each counted row: the job cannot stay within maxFailedRows once this task alone passes it. */
  void checkTask(Tally task) {
    if (maxFailedRows != null && task.failed() > maxFailedRows) {
      throw new Exceeded(message("maxFailedRows=" + maxFailedRows, task, "in one task"));
    }
  }

  /** The reason the committed counts pass the budget, or null while they do not. */
  String exceeded(Tally committed) {
    if (maxFailedRows != null && committed.failed() > maxFailedRows) {
      return message("maxFailedRows=" + maxFailedRows, committed, "so far");
    }
    if (maxFailedFraction != null && committed.in() >= ROWS_BEFORE_FRACTION
        && (double) committed.failed() / committed.in() > maxFailedFraction) {
      return message("maxFailedFraction=" + maxFailedFraction, committed, "so far");
    }
    return null;
  }

  private static String message(String budget, Tally t, String where) {
    return String.format(Locale.ROOT, "error budget %s exceeded: %d of %d rows failed %s; first reasons: %s",
        budget, t.failed(), t.in(), where, String.join(" | ", t.reasons()));
  }

  /** Watches the committed counts on the driver and cancels the running stage once they pass the budget. */
  void watch(SparkContext sc, CommittedRowCounts counts) {
    sc.addSparkListener(new Watch(sc, this, counts));
  }

  /**
   * The driver side of a budget. It holds the counts weakly, as Spark's AccumulatorContext holds
   * accumulators: while a job can still count rows into them, its tasks' closures hold them; once
   * they are collected no task can report to them, and the listener removes itself at the next
   * task end instead of staying on the SparkContext for the session's life.
   */
  static final class Watch extends SparkListener {
    private final SparkContext sc;
    private final ErrorBudget budget;
    private final long countsId;
    private final WeakReference<CommittedRowCounts> counts;

    private Watch(SparkContext sc, ErrorBudget budget, CommittedRowCounts counts) {
      this.sc = sc;
      this.budget = budget;
      this.countsId = counts.id();
      this.counts = new WeakReference<>(counts);
    }

    /** The id of the accumulator this listener watches. */
    long countsId() {
      return countsId;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      CommittedRowCounts watched = counts.get();
      if (watched == null) {
        sc.removeSparkListener(this);
        return;
      }
      // tasks of other stages, and of this stage's later actions that count no row, are not ours to stop
      boolean counted = ScalaCollections.javaList(end.taskInfo().accumulables()).stream()
          .anyMatch(a -> a.id() == countsId);
      if (!counted) return;
      String reason = budget.exceeded(watched.total());
      if (reason != null) sc.cancelStage(end.stageId(), reason);
    }
  }

  /** Fails the task: its rows alone are over the budget. */
  static final class Exceeded extends RuntimeException {
    Exceeded(String message) {
      super(message);
    }
  }
}
