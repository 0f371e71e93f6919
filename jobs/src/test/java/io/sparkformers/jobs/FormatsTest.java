package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each input format gives rows with their columns kept; each output format holds them and the prediction. */
class FormatsTest {
  @TempDir
  Path dir;

  private JobRun classify(Path input, String inputFormat, String outputFormat, String... extra) {
    String[] args = {"--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toString(),
        "--input", input.toString(), "--input-format", inputFormat,
        "--output", dir.resolve("out").toString(), "--output-format", outputFormat};
    JobRun run = JobRun.of(Stream.concat(Stream.of(args), Stream.of(extra))
        .toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    return run;
  }

  @Test
  void csvWithAHeaderToJsonl() {
    Path input = JobRun.write(dir.resolve("in.csv"), "id,review\n1,I love this movie\n2,The weather is terrible\n");
    JobRun run = classify(input, "csv", "jsonl", "--input-col", "review");
    assertEquals(2, run.count("rows_out"));
    List<Row> rows = JobRun.spark().read().json(dir.resolve("out").toString()).orderBy("id").collectAsList();
    assertEquals(List.of("id", "prediction", "review"), List.of(rows.get(0).schema().fieldNames()));
    assertEquals("I love this movie", rows.get(0).getAs("review"));
    assertNotNull(rows.get(1).getList(rows.get(1).fieldIndex("prediction")).get(0));
  }

  @Test
  void textIsOneRowPerLineToParquet() {
    Path input = JobRun.write(dir.resolve("in.txt"), "I love this movie\nThe weather is terrible\nHello world\n");
    JobRun run = classify(input, "text", "parquet");
    assertEquals(3, run.count("rows_in"));
    List<Row> rows = JobRun.spark().read().parquet(dir.resolve("out").toString()).collectAsList();
    assertEquals(3, rows.size());
    assertEquals(List.of("text", "prediction"), List.of(rows.get(0).schema().fieldNames()));
  }

  @Test
  void jsonlToJsonlReplacesAnOutputOnlyWithOverwrite() {
    Path input = JobRun.write(dir.resolve("in.jsonl"), "{\"text\": \"I love this movie\", \"lang\": \"en\"}\n");
    classify(input, "jsonl", "jsonl");
    JobRun again = JobRun.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", dir.resolve("out").toString());
    assertEquals(BatchInferenceJob.BAD_ARGUMENTS, again.exitCode());
    classify(input, "jsonl", "jsonl", "--overwrite");
    Row row = JobRun.spark().read().json(dir.resolve("out").toString()).first();
    assertEquals("en", row.getAs("lang"));
  }

  @Test
  void jsonlWritesNullFieldsSoEveryLineHasEveryColumn() throws Exception {
    Path input = JobRun.write(dir.resolve("in.jsonl"), "{\"id\": 1, \"text\": \"I love this movie\"}\n{\"id\": 2, \"text\": \"\"}\n");
    classify(input, "jsonl", "jsonl", "--handle-invalid", "keep");
    List<String> lines;
    try (Stream<Path> parts = Files.list(dir.resolve("out"))) {
      lines = parts.filter(p -> p.getFileName().toString().startsWith("part-")).flatMap(p -> {
        try {
          return Files.readAllLines(p).stream();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).sorted().toList();
    }
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("{\"id\":1,\"text\":\"I love this movie\",\"prediction\":[{") && lines.get(0).endsWith("],\"error\":null}"), lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"id\":2,\"text\":\"\",\"prediction\":null,\"error\":\""), lines.get(1));
  }

  /** images and audio read one row per file; text-classification reads binary as UTF-8, so text files stand in. */
  @Test
  void binaryFilesAreOneRowPerFileKeepingThePath() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    JobRun.write(files.resolve("a.txt"), "I love this movie");
    JobRun.write(files.resolve("b.txt"), "Hello world");
    JobRun run = classify(files, "images", "parquet");
    assertEquals(2, run.count("rows_out"));
    List<Row> rows = JobRun.spark().read().parquet(dir.resolve("out").toString()).orderBy("path").collectAsList();
    assertEquals(List.of("path", "content", "prediction"), List.of(rows.get(0).schema().fieldNames()));
    assertTrue(rows.get(0).<String>getAs("path").endsWith("a.txt"));
  }
}
