package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference parallelism is the number of partitions: a small file is one partition, so the job
 * spreads it over the session's task slots (local[2]: 2), or over --partitions.
 */
class JobPartitionsTest {
  private static final int ROWS = 40;

  @TempDir
  Path dir;

  @Test
  void aSingleFileInputRunsInAtLeastAsManyPartitionsAsTaskSlots() throws IOException {
    JobRun run = classify();
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("2", run.summary().get("partitions"));
    assertEquals(2, partFiles());
    assertEveryRowOnce();
  }

  @Test
  void partitionsOverridesTheSessionsSlots() throws IOException {
    JobRun run = classify("--partitions", "5");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("5", run.summary().get("partitions"));
    assertEquals(5, partFiles());
    assertEveryRowOnce();
  }

  @Test
  void partitionsBelowOneIsABadArgument() {
    JobRun run = classify("--partitions", "0");
    assertEquals(BatchInferenceJob.BAD_ARGUMENTS, run.exitCode());
    assertTrue(run.err().contains("--partitions must be at least 1"), run.err());
  }

  private JobRun classify(String... extra) {
    String lines = IntStream.range(0, ROWS)
        .mapToObj(i -> "{\"id\": " + i + ", \"text\": \"row " + i + " is " + (i % 2 == 0 ? "good" : "bad") + "\"}")
        .collect(Collectors.joining("\n"));
    Path input = JobRun.write(dir.resolve("one-file.jsonl"), lines + "\n");
    List<String> args = new ArrayList<>(List.of("--task", "text-classification",
        "--model", JobRun.TEXT_CLASSIFIER.toString(), "--input", input.toString(), "--input-format", "jsonl",
        "--output", dir.resolve("out").toString(), "--overwrite"));
    args.addAll(List.of(extra));
    return JobRun.of(args.toArray(String[]::new));
  }

  private long partFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")).count();
    }
  }

  private void assertEveryRowOnce() {
    List<Long> ids = JobRun.spark().read().parquet(dir.resolve("out").toString()).select("id").orderBy("id")
        .collectAsList().stream().map((Row r) -> r.getLong(0)).toList();
    assertEquals(LongStream.range(0, ROWS).boxed().toList(), ids);
  }
}
