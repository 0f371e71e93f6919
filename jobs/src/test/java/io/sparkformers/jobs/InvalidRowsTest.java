package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad rows follow --handle-invalid and the summary counts them: rows in = rows out + rows skipped. */
class InvalidRowsTest {
  @TempDir
  Path dir;

  /** Two good rows, an empty text and a missing one. */
  private JobRun classify(String handleInvalid) {
    Path input = JobRun.write(dir.resolve("in.jsonl"), String.join("\n",
        "{\"id\": 0, \"text\": \"I love this movie\"}",
        "{\"id\": 1, \"text\": \"\"}",
        "{\"id\": 2}",
        "{\"id\": 3, \"text\": \"Hello world\"}"));
    return JobRun.of("--task", "text-classification", "--model", JobRun.TEXT_CLASSIFIER.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", dir.resolve("out").toString(),
        "--handle-invalid", handleInvalid);
  }

  private List<Row> output() {
    return JobRun.spark().read().parquet(dir.resolve("out").toString()).orderBy("id").collectAsList();
  }

  @Test
  void keepWritesEveryRowWithTheReasonForTheBadOnes() {
    JobRun run = classify("keep");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(4, run.count("rows_in"));
    assertEquals(4, run.count("rows_out"));
    assertEquals(2, run.count("rows_failed"));
    assertEquals(0, run.count("rows_skipped"));
    List<Row> rows = output();
    assertEquals(4, rows.size());
    assertNull(rows.get(0).getAs("error"));
    assertNotNull(rows.get(1).getAs("error"));
    assertNull(rows.get(1).getAs("prediction"));
    assertNotNull(rows.get(2).getAs("error"));
  }

  @Test
  void skipDropsTheBadRowsAndCountsThem() {
    JobRun run = classify("skip");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(run.count("rows_in"), run.count("rows_out") + run.count("rows_skipped"));
    assertEquals(2, run.count("rows_skipped"));
    assertEquals(List.of(0L, 3L), output().stream().map(r -> (Long) r.getAs("id")).toList());
  }

  @Test
  void errorFailsTheJobWithExitCode1AndTheRowsReason() {
    JobRun run = classify("error");
    assertEquals(BatchInferenceJob.FAILED, run.exitCode());
    assertTrue(run.err().startsWith("sparkformers: job failed: ") && run.err().contains("handleInvalid=error"),
        run.err());
    assertEquals("", run.out());
  }
}
