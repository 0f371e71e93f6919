package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** text-generation, summarization and translation goldens (8 greedy tokens) through the job. */
class GenerationJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** Runs the job over the golden cases' {@code field}; returns each row's prediction.{output}. */
  private List<String> run(String task, String model, String field, String output, String... options) throws Exception {
    JsonNode cases = JobRun.json(JobRun.FIXTURES.resolve(model).resolve("golden.json")).get("cases");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < cases.size(); i++) {
      lines.append(JSON.writeValueAsString(JSON.createObjectNode().put("id", i).put("text", cases.get(i).get(field).asText())))
          .append('\n');
    }
    String input = JobRun.write(dir.resolve(task + ".jsonl"), lines.toString()).toString();
    String out = dir.resolve(task + "-out").toString();
    String[] base = {"--task", task, "--model", JobRun.FIXTURES.resolve(model).toString(), "--input", input,
        "--input-format", "jsonl", "--output", out, "--option", "max_new_tokens=8"};
    JobRun run = JobRun.of(Stream.concat(Arrays.stream(base), Arrays.stream(options)).toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(cases.size(), run.count("rows_out"));
    List<String> texts = new ArrayList<>();
    for (Row r : JobRun.spark().read().parquet(out).orderBy("id").collectAsList()) {
      texts.add(r.getStruct(r.fieldIndex("prediction")).getAs(output));
    }
    return texts;
  }

  private static List<String> expected(String model, String output) {
    List<String> texts = new ArrayList<>();
    for (JsonNode c : JobRun.json(JobRun.FIXTURES.resolve(model).resolve("golden.json")).get("cases")) {
      texts.add(c.get("pipeline").get(0).get(output).asText());
    }
    return texts;
  }

  @ParameterizedTest
  @ValueSource(strings = {"text-generation-gpt2", "text-generation-llama"})
  void textGenerationMatchesTransformers(String family) throws Exception {
    assertEquals(expected(family, "generated_text"), run("text-generation", family, "prompt", "generated_text"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"summarization-bart", "summarization-pegasus"})
  void summarizationOfTruncatedTextsMatchesTransformers(String family) throws Exception {
    assertEquals(expected(family, "summary_text"),
        run("summarization", family, "text", "summary_text", "--option", "truncation=true"));
  }

  @Test
  void translationByTaskNameMatchesTransformers() throws Exception {
    assertEquals(expected("translation-t5", "translation_text"),
        run("translation_en_to_de", "translation-t5", "text", "translation_text"));
  }

  @Test
  void translationWithAOnePairModelMatchesTransformers() throws Exception {
    assertEquals(expected("translation-marian", "translation_text"),
        run("translation", "translation-marian", "text", "translation_text"));
  }

  /** mBART's language codes hold an underscore, so they come as options, not in the task name. */
  @Test
  void translationToALanguageCodeMatchesTransformers() throws Exception {
    assertEquals(expected("translation-mbart", "translation_text"), run("translation", "translation-mbart", "text",
        "translation_text", "--option", "src_lang=en_XX", "--option", "tgt_lang=ro_RO"));
  }
}
