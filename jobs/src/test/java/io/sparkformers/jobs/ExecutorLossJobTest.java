package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.ClaimFile;
import io.sparkformers.testing.RemoteLikeFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on local-cluster[2,1,1024] loses an executor JVM in the middle of its write: the first
 * executor to open its second input file halts. The job completes with an undisturbed run's output
 * and counts.
 */
class ExecutorLossJobTest {
  private static final String SCHEME = "haltexec1";
  private static final int FILES = 8;

  @TempDir
  Path dir;

  private String[] command(String input, Path output, String... extra) {
    return Stream.concat(Stream.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toAbsolutePath().toString(),
        "--input", input, "--input-format", "text", "--output", output.toString(), "--handle-invalid", "keep"),
        Stream.of(extra)).toArray(String[]::new);
  }

  private static List<Row> rows(Path output) {
    List<Row> rows = new ArrayList<>(JobRun.spark().read().parquet(output.toString()).collectAsList());
    rows.sort(Comparator.comparing(r -> r.getString(0)));
    return rows;
  }

  @Test
  void aLostExecutorChangesNeitherTheJobsOutputNorItsCounts() throws Exception {
    Path input = Files.createDirectories(dir.resolve("in"));
    for (int f = 0; f < FILES; f++) {
      JobRun.write(input.resolve("reviews-" + f + ".txt"),
          "file " + f + " says the film was good\n\nfile " + f + " says it was not\nand file " + f + " ends\n");
    }
    JobRun undisturbed = JobRun.of(command(input.toString(), dir.resolve("reference")));
    assertEquals(0, undisturbed.exitCode(), undisturbed.err());

    Path halted = dir.resolve("an-executor-halted");
    Path sparkHome = Path.of("target", "spark-home").toAbsolutePath();
    Files.createDirectories(sparkHome.resolve("jars"));
    String scalaVersion = scala.util.Properties.versionNumberString().replaceAll("^(\\d+\\.\\d+).*", "$1");
    JobRun run = JobProcess.start(dir.resolve("logs"),
        Map.of("spark.executor.extraClassPath", JobProcess.classPath(),
            "spark.executorEnv.HALT_MARKER", halted.toString(),
            "spark.hadoop." + RemoteLikeFileSystem.implKey(SCHEME), HaltOneExecutor.class.getName(),
            "spark.driver.host", "127.0.0.1", "spark.ui.enabled", "false"),
        Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", scalaVersion),
        command(SCHEME + "://" + input.toAbsolutePath(), dir.resolve("out"), "--master", "local-cluster[2,1,1024]"))
        .await(10);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(Files.exists(halted), "no executor was halted: " + run.err());
    assertEquals(undisturbed.summary().entrySet().stream().filter(e -> e.getKey().matches("rows_(in|out|failed|skipped)")).toList(),
        run.summary().entrySet().stream().filter(e -> e.getKey().matches("rows_(in|out|failed|skipped)")).toList());
    assertEquals(rows(dir.resolve("reference")), rows(dir.resolve("out")));
  }

  /**
   * The input's file system: the first executor JVM to open its second file halts. Which executor
   * that is depends on scheduling, so the JVMs claim the one halt by creating the marker file.
   */
  public static final class HaltOneExecutor extends RemoteLikeFileSystem {
    private static final AtomicInteger OPENED = new AtomicInteger();

    @Override
    public FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
      SparkEnv env = SparkEnv.get();
      if (env != null && !"driver".equals(env.executorId()) && OPENED.incrementAndGet() == 2
          && ClaimFile.claim(Path.of(System.getenv("HALT_MARKER")), "")) {
        Runtime.getRuntime().halt(1);
      }
      return super.open(f, bufferSize);
    }
  }
}
