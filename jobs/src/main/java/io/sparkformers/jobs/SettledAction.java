package io.sparkformers.jobs;

import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Spark action that, when it fails, returns only once the tasks it started have ended.
 * Spark fails a job at its first failed task and only asks the job's other tasks to stop; until
 * they do, a task of a write can still create files in the folder the caller is about to remove.
 */
final class SettledAction {
  private static final Logger LOG = LoggerFactory.getLogger(SettledAction.class);
  private static final Duration POLL = Duration.ofMillis(50);
  /** Spark's own limit on killing a task (spark.task.reaper.killTimeout) is off by default. */
  private static final Duration SETTLE = Duration.ofSeconds(60);
  /** How long the status store may take to hear of a job at all, before the action counts as having run none. */
  private static final Duration NO_JOB = Duration.ofSeconds(2);

  private SettledAction() {}

  static void run(SparkContext sc, Runnable action) {
    String tag = "sparkformers-" + UUID.randomUUID();
    sc.addJobTag(tag);
    boolean done = false;
    try {
      action.run();
      done = true;
    } finally {
      sc.removeJobTag(tag);
      if (!done) awaitEnded(sc.statusTracker(), tag);
    }
  }

  private static void awaitEnded(SparkStatusTracker tracker, String tag) {
    long start = System.nanoTime();
    while (true) {
      long waited = System.nanoTime() - start;
      int[] jobs = tracker.getJobIdsForTag(tag);
      if (jobs.length == 0 ? waited > NO_JOB.toNanos() : Arrays.stream(jobs).allMatch(job -> ended(tracker, job))) {
        return;
      }
      if (waited > SETTLE.toNanos()) {
        LOG.warn("tasks of the failed Spark job still running after {} s; files they write may be left behind",
            SETTLE.toSeconds());
        return;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The store writes a job's end after its stages' ends, and a stage's task count exactly at its end
   * and at its last task's end, so a job that has ended with no active task has none left.
   */
  private static boolean ended(SparkStatusTracker tracker, int job) {
    scala.Option<SparkJobInfo> info = tracker.getJobInfo(job);
    if (info.isEmpty()) return false;
    if (info.get().status() == JobExecutionStatus.RUNNING) return false;
    return Arrays.stream(info.get().stageIds()).allMatch(stage -> {
      scala.Option<SparkStageInfo> s = tracker.getStageInfo(stage);
      return s.isEmpty() || s.get().numActiveTasks() == 0;
    });
  }
}
