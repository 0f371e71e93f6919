package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * spreads it over the session's task slots (local[2]: 2), or over --partitions: in byte ranges of
 * the file where its format can be split, so each output file holds consecutive input lines.
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
  void aSplittableFileIsReadInRangesOfLinesWithoutAShuffle() throws IOException {
    JobRun run = classify("--partitions", "3");
    assertEquals(0, run.exitCode(), run.err());
    List<List<Long>> perFile = idsPerPartFile();
    assertEquals(3, perFile.size());
    // a repartition deals rows round-robin; a split of the file keeps its lines together and in order
    List<Long> concatenated = new ArrayList<>();
    for (List<Long> ids : perFile) {
      assertEquals(LongStream.range(ids.get(0), ids.get(0) + ids.size()).boxed().toList(), ids, "one file's ids: " + ids);
      concatenated.addAll(ids);
    }
    assertEquals(LongStream.range(0, ROWS).boxed().toList(), concatenated);
  }

  @Test
  void theSessionsFileSettingsAreRestoredAfterTheJob() {
    assertEquals(0, classify().exitCode());
    assertFalse(JobRun.spark().conf().contains(FileSplits.MIN_PARTITIONS));
    assertFalse(JobRun.spark().conf().contains(FileSplits.OPEN_COST));
  }

  @Test
  void aSessionThatSetsTheFileSettingsKeepsThemAndTheJobRepartitions() throws IOException {
    JobRun.spark().conf().set(FileSplits.OPEN_COST, Long.toString(4L << 20));
    try {
      JobRun run = classify("--partitions", "3");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("3", run.summary().get("partitions"));
      assertEquals(3, partFiles());
      assertEveryRowOnce();
      assertEquals(Long.toString(4L << 20), JobRun.spark().conf().get(FileSplits.OPEN_COST));
    } finally {
      JobRun.spark().conf().unset(FileSplits.OPEN_COST);
    }
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

  /** The ids of each output file, in file order, files by name (part-00000 first). */
  private List<List<Long>> idsPerPartFile() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted()
          .map(f -> JobRun.spark().read().parquet(f.toString()).select("id").collectAsList().stream()
              .map((Row r) -> r.getLong(0)).toList()).toList();
    }
  }

  private void assertEveryRowOnce() {
    List<Long> ids = JobRun.spark().read().parquet(dir.resolve("out").toString()).select("id").orderBy("id")
        .collectAsList().stream().map((Row r) -> r.getLong(0)).toList();
    assertEquals(LongStream.range(0, ROWS).boxed().toList(), ids);
  }
}
