package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.MultiHostCluster;
import io.sparkformers.testing.TaskAttempts.Attempt;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.parquet.hadoop.ParquetOutputCommitter;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a standalone cluster of two hosts ({@link MultiHostCluster}) with speculation on: the
 * first task attempt to finish writing its rows, so after the stage counted every one of them,
 * stalls before it commits; a copy of it runs on the other host, commits, and the stalled attempt
 * is killed. The job's output and its summary counts are an undisturbed run's. Own JVM (tag
 * own-jvm): its surefire execution gives the cluster's Workers a SPARK_HOME to launch executors from.
 */
@Tag("own-jvm")
class SpeculationJobTest {
  private static final int FILES = 4;
  private static final int LINES_PER_FILE = 5;
  /** The Hadoop setting that names the file the stalled attempt claims and describes itself in. */
  private static final String STALL_MARKER = "sparkformers.test.stallMarker";

  @TempDir
  Path dir;

  private String[] command(Path input, Path output, String... extra) {
    return Stream.concat(Stream.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toAbsolutePath().toString(),
        "--input", input.toString(), "--input-format", "text", "--output", output.toString(), "--handle-invalid", "keep"),
        Stream.of(extra)).toArray(String[]::new);
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
  void aSpeculativeCopyChangesNeitherTheJobsOutputNorItsCounts() throws Exception {
    Path input = Files.createDirectories(dir.resolve("in"));
    for (int f = 0; f < FILES; f++) {
      JobRun.write(input.resolve("reviews-" + f + ".txt"), "file " + f + " says the film was good\n\nfile " + f
          + " says it was not\nand file " + f + " ends\nfile " + f + " is done\n");
    }
    JobRun undisturbed = JobRun.of(command(input, dir.resolve("reference")));
    assertEquals(0, undisturbed.exitCode(), undisturbed.err());
    assertEquals(FILES * LINES_PER_FILE, undisturbed.count("rows_in"));

    Path marker = dir.resolve("stalled");
    Path taskEnds = dir.resolve("task-ends.jsonl");
    Map<String, String> settings = new HashMap<>(TaskEndLog.settings(taskEnds));
    settings.putAll(Map.of("spark.executor.extraClassPath", JobProcess.classPath(),
        "spark.sql.parquet.output.committer.class", FirstCommitStalls.class.getName(),
        "spark.hadoop." + STALL_MARKER, marker.toString(),
        // speculate a task once half the stage's tasks are done and it ran 1.5 times their median, or 500 ms
        "spark.speculation", "true",
        "spark.speculation.interval", "100ms",
        "spark.speculation.quantile", "0.5",
        "spark.speculation.multiplier", "1.5",
        "spark.speculation.minTaskRuntime", "500ms",
        // Spark 3.4+ would otherwise also weigh how fast the stalled task read its input
        "spark.speculation.efficiency.enabled", "false"));
    settings.putAll(Map.of("spark.driver.host", "127.0.0.1", "spark.ui.enabled", "false"));
    JobRun run;
    try (MultiHostCluster cluster = MultiHostCluster.start(2)) {
      run = JobProcess.start(dir.resolve("logs"), settings, Map.of(),
          command(input, dir.resolve("out"), "--master", cluster.url())).await(3);
    }
    assertEquals(0, run.exitCode(), run.err());

    assertTrue(Files.exists(marker), "no attempt stalled before its commit: " + run.err());
    String[] stalled = Files.readString(marker).split(" ");
    int stage = Integer.parseInt(stalled[0]);
    int partition = Integer.parseInt(stalled[1]);
    int attempt = Integer.parseInt(stalled[2]);
    String stalledHost = stalled[3];
    assertTrue(List.of(MultiHostCluster.host(0), MultiHostCluster.host(1)).contains(stalledHost), stalledHost);
    List<Attempt> ended = TaskEndLog.read(taskEnds);
    List<Attempt> succeeded = ended.stream()
        .filter(a -> a.stage() == stage && a.partition() == partition && a.succeeded()).toList();
    assertEquals(1, succeeded.size(), "one attempt of the stalled task succeeded; task ends: " + ended);
    Attempt copy = succeeded.get(0);
    assertTrue(copy.speculative(), "the attempt that succeeded is a speculative copy: " + copy);
    assertNotEquals(attempt, copy.attempt(), "the stalled attempt succeeded: " + copy);
    assertNotEquals(stalledHost, copy.host(), "the copy ran beside the stalled attempt");

    assertEquals(counts(undisturbed), counts(run));
    assertEquals(rows(dir.resolve("reference")), rows(dir.resolve("out")));
  }

  /**
   * Parquet's committer, but the first task attempt to reach its commit, whichever it is, claims the
   * marker file and stalls there until it is killed: its rows are all written and counted by then.
   */
  public static final class FirstCommitStalls extends ParquetOutputCommitter {
    /** Longer than the test waits for the job, so only a kill ends the stall. */
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
    private static boolean claim(Path marker, TaskContext task) throws IOException {
      String attempt = task.stageId() + " " + task.partitionId() + " " + task.attemptNumber() + " "
          + SparkEnv.get().blockManager().blockManagerId().host();
      try {
        Files.writeString(marker, attempt, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException taken) {
        return false;
      }
    }
  }
}
