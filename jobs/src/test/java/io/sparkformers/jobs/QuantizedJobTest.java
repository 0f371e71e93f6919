package io.sparkformers.jobs;

import static io.sparkformers.testing.Vectors.cosine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.bench.RawOrtLoop;
import io.sparkformers.testing.Vectors;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo model folder holds model.onnx and model_quantized.onnx: --option dtype=q8 runs the int8 one. */
class QuantizedJobTest {
  private static final List<String> TEXTS = List.of("This is an example sentence.",
      "Each sentence is converted into a fixed-length vector.", "The quick brown fox jumps over the lazy dog.");

  @TempDir
  Path dir;

  @Test
  void dtypeQ8RunsTheInt8Graph() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < TEXTS.size(); i++) {
      lines.append("{\"id\": ").append(i).append(", \"text\": \"").append(TEXTS.get(i)).append("\"}\n");
    }
    Path input = JobRun.write(dir.resolve("s.jsonl"), lines.toString());
    String output = dir.resolve("q8").toString();
    // one row per forward pass: an int8 graph quantizes activations per batch, so batches of one make
    // each row's embedding independent of its neighbours, as in the plain runs below
    JobRun run = JobRun.of("--task", "feature-extraction", "--model", JobRun.MINILM.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", output, "--batch-size", "1",
        "--option", "pooling=mean", "--option", "normalize=true", "--option", "dtype=q8");
    assertEquals(0, run.exitCode(), run.err());
    List<Row> rows = JobRun.spark().read().parquet(output).orderBy("id").collectAsList();
    float[][] int8;
    float[][] fp32;
    try (RawOrtLoop q8 = new RawOrtLoop(JobRun.MINILM, "model_quantized.onnx", 256);
        RawOrtLoop full = new RawOrtLoop(JobRun.MINILM, "model.onnx", 256)) {
      int8 = q8.embeddings(TEXTS, 1);
      fp32 = full.embeddings(TEXTS, 1);
    }
    assertEquals(TEXTS.size(), rows.size());
    for (int r = 0; r < rows.size(); r++) {
      float[] job = Vectors.floats(rows.get(r).getList(rows.get(r).fieldIndex("prediction")));
      assertTrue(cosine(job, int8[r]) >= 0.9999, "row " + r + " vs the int8 graph: " + cosine(job, int8[r]));
      assertTrue(cosine(job, fp32[r]) < 0.999, "row " + r + " equals the fp32 graph's: " + cosine(job, fp32[r]));
    }
  }
}
