package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.ClaimFile;
import io.sparkformers.testing.MultiHostCluster;
import io.sparkformers.testing.TaskAttempts;
import io.sparkformers.testing.TaskAttempts.Attempt;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.hadoop.ParquetOutputCommitter;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a standalone cluster of two hosts ({@link MultiHostCluster}) with speculation on: the
 * first task attempt to finish writing its rows, so after the stage counted every one of them,
 * stalls before it commits; a copy of it runs on the other host and commits, and Spark kills the
 * stalled attempt. The job's output and its summary counts are an undisturbed run's. Own JVM (tag
 * own-jvm): the job runs in this JVM on a session of the cluster, as it runs in a session
 * spark-submit started, and the surefire execution gives the cluster's Workers a SPARK_HOME to
 * launch executors from.
 */
@Tag("own-jvm")
class SpeculationJobTest {
  private static final int FILES = 4;
  private static final int LINES_PER_FILE = 5;
  /** The Hadoop setting naming the file the stalled attempt claims and describes itself in. */
  private static final String STALL_MARKER = "sparkformers.test.stallMarker";

  @TempDir
  Path dir;

  private String[] command(Path input, Path output) {
    return new String[] {"--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toAbsolutePath().toString(),
        "--input", input.toString(), "--input-format", "text", "--output", output.toString(), "--handle-invalid", "keep"};
  }

  private static List<Row> rows(Path output) {
    List<Row> rows = new ArrayList<>(JobRun.spark().read().parquet(output.toString()).collectAsList());
    rows.sort(Comparator.comparing(r -> r.getString(0)));
    return rows;
  }

  private static List<Map.Entry<String, String>> counts(JobRun run) {
    return run.summary().entrySet().stream().filter(e -> e.getKey().matches("rows_(in|out|failed|skipped)")).toList();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSpeculativeCopyChangesNeitherTheJobsOutputNorItsCounts() throws Exception {
    Path input = Files.createDirectories(dir.resolve("in"));
    for (int f = 0; f < FILES; f++) {
      JobRun.write(input.resolve("reviews-" + f + ".txt"), "file " + f + " says the film was good\n\nfile " + f
          + " says it was not\nand file " + f + " ends\nfile " + f + " is done\n");
    }
    Path marker = dir.resolve("stalled");
    JobRun run;
    Stalled stalled;
    List<Attempt> ended;
    try (MultiHostCluster cluster = MultiHostCluster.start(2)) {
      SparkSession spark = cluster.session(MultiHostCluster.speculating(SparkSession.builder().appName("SpeculationJobTest"))
          .config("spark.sql.parquet.output.committer.class", FirstCommitStalls.class.getName())
          .config("spark.hadoop." + STALL_MARKER, marker.toString()));
      try {
        TaskAttempts attempts = TaskAttempts.listen(spark);
        run = JobRun.inActiveSession(command(input, dir.resolve("out")));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.exists(marker), "no attempt stalled before its commit; task ends: " + attempts.ended());
        stalled = Stalled.read(marker);
        ended = endedWith(attempts, stalled);
      } finally {
        spark.stop();
      }
    }
    assertTrue(List.of(MultiHostCluster.host(0), MultiHostCluster.host(1)).contains(stalled.host()), stalled.host());
    Attempt first = ended.stream().filter(stalled::is).findFirst().orElseThrow();
    assertTrue(first.killed(), "the stalled attempt was killed: " + first);
    List<Attempt> succeeded = ended.stream().filter(a -> stalled.ofSameTask(a) && a.succeeded()).toList();
    assertEquals(1, succeeded.size(), "one attempt of the stalled task succeeded; task ends: " + ended);
    Attempt copy = succeeded.get(0);
    assertTrue(copy.speculative(), "the attempt that succeeded is a speculative copy: " + copy);
    assertNotEquals(stalled.host(), copy.host(), "the copy ran beside the stalled attempt");

    JobRun undisturbed = JobRun.of(command(input, dir.resolve("reference")));
    assertEquals(0, undisturbed.exitCode(), undisturbed.err());
    assertEquals(FILES * LINES_PER_FILE, undisturbed.count("rows_in"));
    assertEquals(counts(undisturbed), counts(run));
    assertEquals(rows(dir.resolve("reference")), rows(dir.resolve("out")));
  }

  /**
   * The task ends once the stalled attempt's is among them: Spark kills it when its copy succeeds,
   * so it may end after the job did.
   */
  private static List<Attempt> endedWith(TaskAttempts attempts, Stalled stalled) throws Exception {
    List<Attempt> ended = attempts.ended();
    while (ended.stream().noneMatch(stalled::is)) {
      Thread.sleep(100);
      ended = attempts.ended();
    }
    return ended;
  }

  /** The attempt that stalled, as its marker file names it. */
  private record Stalled(int stage, int partition, int attempt, String host) {
    static Stalled read(Path marker) throws IOException {
      String[] fields = Files.readString(marker).split(" ");
      return new Stalled(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]), Integer.parseInt(fields[2]), fields[3]);
    }

    boolean ofSameTask(Attempt a) {
      return a.stage() == stage && a.partition() == partition;
    }

    boolean is(Attempt a) {
      return ofSameTask(a) && a.attempt() == attempt;
    }
  }

  /**
   * Parquet's committer, but the first task attempt to reach its commit, whichever it is, claims the
   * marker file and stalls there until it is killed: the stage has counted all its rows by then.
   */
  public static final class FirstCommitStalls extends ParquetOutputCommitter {
    /** Longer than the test's timeout, so only a kill ends the stall. */
    private static final long STALL_MS = 600_000;

    public FirstCommitStalls(org.apache.hadoop.fs.Path output, TaskAttemptContext context) throws IOException {
      super(output, context);
    }

    @Override
    public boolean needsTaskCommit(TaskAttemptContext context) throws IOException {
      TaskContext task = TaskContext.get();
      if (task != null && claim(Path.of(context.getConfiguration().get(STALL_MARKER)), task)) {
        try {
          Thread.sleep(STALL_MS);
        } catch (InterruptedException e) {
          throw new InterruptedIOException("killed while stalled before its commit");
        }
      }
      return super.needsTaskCommit(context);
    }

    /** Creates the marker, naming the attempt and its host, unless another attempt did. */
    private static boolean claim(Path marker, TaskContext task) {
      return ClaimFile.claim(marker, task.stageId() + " " + task.partitionId() + " " + task.attemptNumber() + " "
          + SparkEnv.get().blockManager().blockManagerId().host());
    }
  }
}
