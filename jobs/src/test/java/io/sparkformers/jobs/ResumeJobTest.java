package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --resume: a job whose driver is killed after its first chunk committed, run again with the same
 * command, skips that chunk and ends with the output of one uninterrupted run, every row once.
 */
class ResumeJobTest {
  private static final int FILES = 6;
  private static final int ROWS_PER_FILE = 8;

  @TempDir
  Path dir;

  private Path input() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    for (int f = 0; f < FILES; f++) {
      StringBuilder rows = new StringBuilder();
      for (int r = 0; r < ROWS_PER_FILE; r++) {
        int id = f * ROWS_PER_FILE + r;
        rows.append("{\"id\": ").append(id).append(", \"text\": \"")
            .append(id % 5 == 4 ? "" : "review " + id + " says it was good").append("\"}\n");
      }
      JobRun.write(in.resolve(String.format("part-%d.jsonl", f)), rows.toString());
    }
    return in;
  }

  private String[] command(Path input, Path output, String... extra) {
    return Stream.concat(Stream.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", output.toString(),
        "--handle-invalid", "keep", "--resume", "--chunk-files", "2"), Stream.of(extra)).toArray(String[]::new);
  }

  /** Each data file of an output by name, with its rows as read back. */
  private static Map<String, List<Row>> files(Path output) throws Exception {
    Map<String, List<Row>> files = new TreeMap<>();
    try (Stream<Path> listed = Files.list(output)) {
      for (Path p : listed.filter(p -> p.getFileName().toString().startsWith("chunk-")).toList()) {
        files.put(p.getFileName().toString(), JobRun.spark().read().parquet(p.toString()).collectAsList());
      }
    }
    return files;
  }

  @Test
  void aRunKilledAfterItsFirstChunkResumesToTheUninterruptedOutput() throws Exception {
    Path input = input();
    JobRun uninterrupted = JobRun.of(command(input, dir.resolve("reference")));
    assertEquals(0, uninterrupted.exitCode(), uninterrupted.err());

    Path output = dir.resolve("out");
    Path firstChunk = output.resolve("_sparkformers_chunks/chunk-00000.json");
    Path lastChunk = output.resolve("_sparkformers_chunks/chunk-00002.json");
    JobProcess job = JobProcess.start(dir.resolve("logs"), Map.of(), Map.of(), command(input, output, "--master", "local[2]"));
    while (!Files.exists(firstChunk) && job.isAlive()) Thread.sleep(20);
    job.kill();
    assertTrue(Files.exists(firstChunk), job.err());
    assertFalse(Files.exists(lastChunk), "the job ended before it was killed");
    FileTime committed = Files.getLastModifiedTime(firstChunk);

    JobRun resumed = JobRun.of(command(input, output));
    assertEquals(0, resumed.exitCode(), resumed.err());
    assertEquals(committed, Files.getLastModifiedTime(firstChunk), "the committed chunk was written again");
    assertEquals(uninterrupted.summary().entrySet().stream().filter(e -> e.getKey().matches("rows_(in|out|failed|skipped)")).toList(),
        resumed.summary().entrySet().stream().filter(e -> e.getKey().matches("rows_(in|out|failed|skipped)")).toList());
    assertEquals(FILES * ROWS_PER_FILE, resumed.count("rows_in"));
    Map<String, List<Row>> expected = files(dir.resolve("reference"));
    assertEquals(expected.keySet(), files(output).keySet());
    assertEquals(expected, files(output));
    List<Row> all = JobRun.spark().read().parquet(output.toString()).collectAsList();
    assertEquals(FILES * ROWS_PER_FILE, all.stream().map(r -> r.getAs("id")).distinct().count());
    assertEquals(FILES * ROWS_PER_FILE, all.size());
  }

  @Test
  void aChangedInputOrOptionRefusesToResumeNamingTheChange() throws Exception {
    Path input = input();
    Path output = dir.resolve("out");
    assertEquals(0, JobRun.of(command(input, output)).exitCode());

    JobRun otherOption = JobRun.of(command(input, output, "--batch-size", "4"));
    assertEquals(BatchInferenceJob.BAD_ARGUMENTS, otherOption.exitCode(), otherOption.err());
    assertTrue(otherOption.err().contains("changed since the run that started it: option --batch-size: absent, now 4"),
        otherOption.err());

    Path changed = input.resolve("part-3.jsonl");
    Files.writeString(changed, Files.readString(changed) + "{\"id\": 99, \"text\": \"one more\"}\n");
    JobRun otherInput = JobRun.of(command(input, output));
    assertEquals(BatchInferenceJob.BAD_ARGUMENTS, otherInput.exitCode(), otherInput.err());
    assertTrue(otherInput.err().contains("input " + changed.toUri().toString().replace("file:///", "file:/")),
        otherInput.err());
    assertEquals(1, otherInput.err().lines().count(), otherInput.err());
  }

  @Test
  void withoutResumeAnOutputIsWrittenAtOnceAsBefore() throws Exception {
    Path input = input();
    JobRun run = JobRun.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", dir.resolve("out").toString(),
        "--handle-invalid", "keep");
    assertEquals(0, run.exitCode(), run.err());
    List<String> names = new ArrayList<>();
    try (Stream<Path> listed = Files.list(dir.resolve("out"))) {
      listed.forEach(p -> names.add(p.getFileName().toString()));
    }
    assertTrue(names.stream().noneMatch(n -> n.startsWith("chunk-") || n.startsWith("_sparkformers")), names.toString());
    assertEquals(FILES * ROWS_PER_FILE, JobRun.spark().read().parquet(dir.resolve("out").toString()).count());
  }
}
