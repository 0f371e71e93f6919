package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled demo model through the job, as the README runs it, and the MPNet fixture against its goldens. */
class FeatureExtractionJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** sentence-transformers' all-MiniLM-L6-v2 embedding of "This is an example sentence", first values. */
  private static final double[] EXAMPLE_EMBEDDING = {0.0677, 0.0635, 0.0487, 0.0793, 0.0374};

  @TempDir
  Path dir;

  @Test
  void meanPooledNormalizedEmbeddingsMatchSentenceTransformers() {
    Path input = JobRun.write(dir.resolve("s.jsonl"),
        "{\"id\": 1, \"text\": \"This is an example sentence\"}\n{\"id\": 2, \"text\": \"Each sentence is converted\"}\n");
    String output = dir.resolve("embeddings").toString();
    JobRun run = JobRun.of("--task", "feature-extraction", "--model", JobRun.MINILM.toString(),
        "--input", input.toString(), "--input-format", "jsonl", "--output", output,
        "--option", "pooling=mean", "--option", "normalize=true");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(2, run.count("rows_out"));
    Row first = JobRun.spark().read().parquet(output).orderBy("id").first();
    List<Float> vector = first.getList(first.fieldIndex("prediction"));
    assertEquals(384, vector.size());
    for (int i = 0; i < EXAMPLE_EMBEDDING.length; i++) assertEquals(EXAMPLE_EMBEDDING[i], vector.get(i), 1e-4);
    double norm = Math.sqrt(vector.stream().mapToDouble(v -> v * v).sum());
    assertEquals(1.0, norm, 1e-4);
  }

  @Test
  void mpnetSentenceVectorsMatchTheFeatureExtractionPipeline() {
    Path model = JobRun.FIXTURES.resolve("feature-extraction-mpnet");
    JsonNode cases = JobRun.json(model.resolve("golden.json")).get("cases");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < cases.size(); i++) {
      lines.append(JSON.createObjectNode().put("id", i).put("text", cases.get(i).get("text").asText())).append('\n');
    }
    Path input = JobRun.write(dir.resolve("texts.jsonl"), lines.toString());
    String output = dir.resolve("vectors").toString();
    JobRun run = JobRun.of("--task", "feature-extraction", "--model", model.toString(), "--input", input.toString(),
        "--input-format", "jsonl", "--output", output, "--option", "pooling=mean", "--option", "normalize=true");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(cases.size(), run.count("rows_out"));
    List<Row> rows = JobRun.spark().read().parquet(output).orderBy("id").collectAsList();
    for (int i = 0; i < cases.size(); i++) {
      JsonNode expected = cases.get(i).get("vectors").get("mean,normalize");
      List<Float> vector = rows.get(i).getList(rows.get(i).fieldIndex("prediction"));
      assertEquals(expected.size(), vector.size());
      for (int k = 0; k < vector.size(); k++) {
        double x = expected.get(k).asDouble();
        assertEquals(x, vector.get(k), 1e-4 + 1e-3 * Math.abs(x), "row " + i + " value " + k);
      }
    }
  }
}
