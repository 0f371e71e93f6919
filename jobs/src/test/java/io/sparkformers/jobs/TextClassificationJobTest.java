package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The job reproduces transformers' text-classification pipeline on the tiny BERT fixture. */
class TextClassificationJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode golden = JobRun.json(JobRun.TEXT_CLASSIFIER.resolve("golden.json"));

  @TempDir
  Path dir;

  /** The golden texts as jsonl, with an id giving their order. */
  private String input() throws Exception {
    StringBuilder lines = new StringBuilder();
    int id = 0;
    for (JsonNode c : golden.get("cases")) {
      ObjectNode row = JSON.createObjectNode().put("id", id++).put("text", c.get("text").asText());
      lines.append(JSON.writeValueAsString(row)).append('\n');
    }
    return JobRun.write(dir.resolve("texts.jsonl"), lines.toString()).toString();
  }

  private List<Row> classify(String... options) throws Exception {
    return classify(JobRun.TEXT_CLASSIFIER, options);
  }

  private List<Row> classify(Path model, String... options) throws Exception {
    String output = dir.resolve("out").toString();
    String[] base = {"--task", "text-classification", "--model", model.toString(),
        "--input", input(), "--input-format", "jsonl", "--output", output};
    JobRun run = JobRun.of(Stream.concat(Arrays.stream(base), Arrays.stream(options)).toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(golden.get("cases").size(), run.count("rows_out"));
    return JobRun.spark().read().parquet(output).orderBy("id").collectAsList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"text-classification-bert", "text-classification-electra", "text-classification-albert",
      "text-classification-xlm-roberta", "text-classification-deberta-v2"})
  void topKNullGivesEveryLabelAndScoreOfTransformers(String fixture) throws Exception {
    Path model = JobRun.FIXTURES.resolve(fixture);
    List<Row> rows = classify(model, "--option", "top_k=null");
    JsonNode expected = JobRun.json(model.resolve("golden.json")).get("pipeline").get("top_k=None");
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) assertLabels(expected.get(i), rows.get(i));
  }

  @Test
  void theDefaultGivesTheBestLabelOfTransformers() throws Exception {
    List<Row> rows = classify();
    JsonNode expected = golden.get("pipeline").get("default(top1)");
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) assertLabels(JSON.createArrayNode().add(expected.get(i)), rows.get(i));
  }

  /** Every input column is kept; labels identical, scores within 1e-4. */
  private static void assertLabels(JsonNode expected, Row row) {
    assertEquals(List.of("id", "text", "prediction"), List.of(row.schema().fieldNames()));
    List<Row> labels = row.getList(row.fieldIndex("prediction"));
    assertEquals(expected.size(), labels.size());
    for (int k = 0; k < labels.size(); k++) {
      assertEquals(expected.get(k).get("label").asText(), labels.get(k).getString(0));
      assertEquals(expected.get(k).get("score").floatValue(), labels.get(k).getFloat(1), 1e-4);
    }
  }
}
