package io.sparkformers.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * A stage's row counts, one tally per (Spark stage, partition). Spark merges a task's accumulator
 * updates only when the attempt succeeded, but it merges every successful attempt of a shuffle map
 * task: a stage re-run after a lost executor, or a speculative copy that also finished, adds the
 * same partition again. So a task's tally replaces the partition's earlier one instead of adding
 * to it, and each partition a Spark stage computed counts once, from one successful attempt.
 */
public final class CommittedRowCounts extends AccumulatorV2<CommittedRowCounts.Fate, Map<Long, CommittedRowCounts.Tally>> {
  /** What happened to one row. */
  public enum Fate { OUT, SKIPPED, KEPT_FAILED }

  /** How many of the reasons rows failed a tally keeps, for messages. */
  static final int REASONS_KEPT = 3;

  private HashMap<Long, Tally> tallies = new HashMap<>();

  @Override
  public synchronized boolean isZero() {
    return tallies.isEmpty();
  }

  @Override
  public synchronized CommittedRowCounts copy() {
    CommittedRowCounts copy = new CommittedRowCounts();
    tallies.forEach((k, v) -> copy.tallies.put(k, v.copy()));
    return copy;
  }

  @Override
  public synchronized void reset() {
    tallies = new HashMap<>();
  }

  /** Counts a row in this task's partition. */
  @Override
  public void add(Fate fate) {
    add(fate, null);
  }

  /** Counts a row, and keeps the reason among the task's first when it failed. */
  public synchronized Tally add(Fate fate, String reason) {
    Tally t = tallies.computeIfAbsent(taskKey(), k -> new Tally());
    t.in++;
    switch (fate) {
      case OUT -> t.out++;
      case SKIPPED -> {
        t.skipped++;
        t.failed++;
      }
      case KEPT_FAILED -> {
        t.out++;
        t.failed++;
      }
    }
    if (reason != null && t.reasons.size() < REASONS_KEPT) t.reasons.add(reason);
    return t;
  }

  /** Driver side: a task's tally of its partition replaces any earlier attempt's. */
  @Override
  public synchronized void merge(AccumulatorV2<Fate, Map<Long, Tally>> other) {
    other.value().forEach((k, v) -> tallies.put(k, v.copy()));
  }

  @Override
  public synchronized Map<Long, Tally> value() {
    return new HashMap<>(tallies);
  }

  /** The sum over every partition counted so far. */
  public synchronized Tally total() {
    Tally sum = new Tally();
    tallies.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sum.addAll(e.getValue()));
    return sum;
  }

  /** The running task's (stage, partition); outside a task (a test calling the loop) one key. */
  private static long taskKey() {
    TaskContext task = TaskContext.get();
    return task == null ? 0 : ((long) task.stageId() << 32) | task.partitionId();
  }

  /** Rows in = rows out + rows skipped; failed rows are either skipped or kept with their reason. */
  public static final class Tally implements Serializable {
    long in;
    long out;
    long failed;
    long skipped;
    final List<String> reasons = new ArrayList<>();

    public long in() { return in; }
    public long out() { return out; }
    public long failed() { return failed; }
    public long skipped() { return skipped; }
    public List<String> reasons() { return List.copyOf(reasons); }

    Tally copy() {
      Tally t = new Tally();
      t.addAll(this);
      return t;
    }

    private void addAll(Tally t) {
      in += t.in;
      out += t.out;
      failed += t.failed;
      skipped += t.skipped;
      for (String r : t.reasons) if (reasons.size() < REASONS_KEPT) reasons.add(r);
    }
  }
}
