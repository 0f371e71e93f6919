package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed job as the user sees it: exit 1, the root cause first and in one line, no output that
 * blocks the re-run; and an error budget that stops a job whose rows are bad.
 */
class FailedJobTest {
  @TempDir
  Path dir;

  private Path input(int good, int empty) {
    String rows = IntStream.range(0, good + empty)
        .mapToObj(i -> "{\"id\": " + i + ", \"text\": \"" + (i < good ? "I love this movie " + i : "") + "\"}")
        .collect(Collectors.joining("\n"));
    return JobRun.write(dir.resolve("in.jsonl"), rows);
  }

  private String[] classify(Path input, String... extra) {
    return Stream.concat(Stream.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", dir.resolve("out").toString()),
        Stream.of(extra)).toArray(String[]::new);
  }

  private List<String> folder() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailedJobLeavesNoOutputSoTheSameCommandRunsAgain() throws Exception {
    Path input = input(2, 1);
    JobRun failed = JobRun.of(classify(input, "--handle-invalid", "error"));
    assertEquals(BatchInferenceJob.FAILED, failed.exitCode(), failed.err());
    assertEquals(List.of("in.jsonl"), folder());
    JobRun rerun = JobRun.of(classify(input, "--handle-invalid", "keep"));
    assertEquals(0, rerun.exitCode(), rerun.err());
    assertEquals(3, rerun.count("rows_out"));
    assertEquals(List.of("in.jsonl", "out"), folder());
  }

  @Test
  void aFailedJobPrintsItsRootCauseInOneLineAndNoStackTrace() throws Exception {
    Path input = input(2, 1);
    JobRun run = JobProcess.start(dir.resolve("logs"), Map.of(), Map.of(),
        classify(input, "--handle-invalid", "error", "--master", "local[2]")).await(5);
    assertEquals(BatchInferenceJob.FAILED, run.exitCode(), run.err());
    List<String> failure = run.err().lines().filter(l -> l.startsWith("sparkformers: ")).toList();
    assertEquals(2, failure.size(), run.err());
    assertTrue(failure.get(0).startsWith("sparkformers: job failed: row failed with handleInvalid=error"), run.err());
    assertTrue(failure.get(0).endsWith("text is empty"), run.err());
    assertTrue(failure.get(1).matches("sparkformers: stack traces in .*sparkformers-job-.*\\.log"), run.err());
    // Spark's messages about the failed task stay in the log
    assertFalse(run.err().contains("\tat ") || run.err().contains("TaskSetManager"), run.err());
    // everything else is the job's own progress at INFO, one line a step: no warnings or errors from Spark
    List<String> others = run.err().lines()
        .filter(l -> !l.startsWith("sparkformers: ") && !l.startsWith("WARNING: Using incubator modules"))
        .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d INFO \\w+: .*"))
        .toList();
    assertEquals(List.of(), others, run.err());
  }

  @Test
  void allBadRowsStopTheJobAtTheBudgetItNames() throws Exception {
    Path input = input(0, 300);
    JobRun run = JobRun.of(classify(input, "--handle-invalid", "keep", "--max-failed-rows", "20"));
    assertEquals(BatchInferenceJob.FAILED, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("sparkformers: job failed: error budget maxFailedRows=20 exceeded: 21 of 21 rows"
        + " failed in one task; first reasons: InvalidInputException: text is empty"), run.err());
    assertEquals(List.of("in.jsonl"), folder());
  }

  @Test
  void aJobWithinItsBudgetCompletes() {
    JobRun run = JobRun.of(classify(input(6, 2), "--handle-invalid", "skip", "--max-failed-rows", "2",
        "--max-failed-fraction", "0.5"));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(8L, 6L, 2L), List.of(run.count("rows_in"), run.count("rows_out"), run.count("rows_skipped")));
  }
}
