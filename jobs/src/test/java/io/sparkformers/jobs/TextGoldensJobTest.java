package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Token classification and question answering through the job, against transformers' fast path. */
class TextGoldensJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private List<Row> run(String task, String model, List<ObjectNode> rows, String... options) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (ObjectNode row : rows) lines.append(JSON.writeValueAsString(row)).append('\n');
    String input = JobRun.write(dir.resolve("input.jsonl"), lines.toString()).toString();
    String output = dir.resolve("out").toString();
    String[] base = {"--task", task, "--model", JobRun.FIXTURES.resolve(model).toString(), "--input", input,
        "--input-format", "jsonl", "--output", output};
    JobRun run = JobRun.of(Stream.concat(Arrays.stream(base), Arrays.stream(options)).toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(rows.size(), run.count("rows_out"));
    return JobRun.spark().read().parquet(output).orderBy("id").collectAsList();
  }

  private static JsonNode golden(String model) throws Exception {
    return JSON.readTree(JobRun.FIXTURES.resolve(model).resolve("golden_fast.json").toFile());
  }

  @ParameterizedTest
  @ValueSource(strings = {"token-classification-bert", "token-classification-electra", "token-classification-albert",
      "token-classification-xlm-roberta", "token-classification-deberta-v2"})
  void entityGroupsMatchTheFastPipeline(String model) throws Exception {
    JsonNode cases = golden(model).get("cases");
    List<ObjectNode> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(JSON.createObjectNode().put("id", rows.size()).put("text", c.get("text").asText()));
    List<Row> out = run("token-classification", model, rows,
        "--option", "aggregation_strategy=simple");
    for (int i = 0; i < cases.size(); i++) {
      JsonNode expected = cases.get(i).get("pipeline").get("simple");
      List<Row> entities = out.get(i).getList(out.get(i).fieldIndex("prediction"));
      assertEquals(expected.size(), entities.size());
      for (int k = 0; k < entities.size(); k++) {
        Row e = entities.get(k);
        assertEquals(expected.get(k).get("entity_group").asText(), e.getAs("entity_group"));
        assertEquals(expected.get(k).get("word").asText(), e.getAs("word"));
        assertEquals(expected.get(k).get("start").asInt(), (int) e.getAs("start"));
        assertEquals(expected.get(k).get("end").asInt(), (int) e.getAs("end"));
        assertEquals(expected.get(k).get("score").floatValue(), (float) e.getAs("score"), 1e-4);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"question-answering-bert", "question-answering-electra", "question-answering-albert",
      "question-answering-xlm-roberta", "question-answering-deberta-v2"})
  void answersOverLongContextsMatchTheFastPipeline(String model) throws Exception {
    JsonNode cases = golden(model).get("cases");
    List<ObjectNode> rows = new ArrayList<>();
    for (JsonNode c : cases) {
      rows.add(JSON.createObjectNode().put("id", rows.size()).put("q", c.get("question").asText())
          .put("context", c.get("context").asText()));
    }
    List<Row> out = run("question-answering", model, rows,
        "--option", "question_col=q", "--option", "top_k=3");
    for (int i = 0; i < cases.size(); i++) {
      JsonNode expected = cases.get(i).get("pipeline_top3");
      List<Row> answers = out.get(i).getList(out.get(i).fieldIndex("prediction"));
      assertEquals(expected.size(), answers.size());
      for (int k = 0; k < answers.size(); k++) {
        Row a = answers.get(k);
        assertEquals(expected.get(k).get("answer").asText(), a.getAs("answer"));
        assertEquals(expected.get(k).get("start").asInt(), (int) a.getAs("start"));
        assertEquals(expected.get(k).get("end").asInt(), (int) a.getAs("end"));
        assertEquals(expected.get(k).get("score").floatValue(), (float) a.getAs("score"), 1e-4);
      }
    }
  }
}
