package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** text-generation, summarization and translation goldens (8 greedy tokens) through the Spark stages. */
class GenerationStagesTest {
  private final SparkSession spark = LocalSpark.get();

  private Dataset<Row> frame(List<String> texts) {
    List<Row> rows = new ArrayList<>();
    for (String t : texts) rows.add(RowFactory.create(rows.size(), t));
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
        .repartition(2);
  }

  /** Sorted here, not with orderBy, whose sampling pass would run the stage (and its counters) twice. */
  private static List<Row> sortedById(Dataset<Row> out) {
    List<Row> rows = new ArrayList<>(out.collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  private static List<String> field(JsonNode cases, String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : cases) out.add(c.get(name).asText());
    return out;
  }

  private static String text(Row row) {
    return row.isNullAt(2) ? null : row.getStruct(2).getString(0);
  }

  private static TextGenerator generator() {
    return new TextGenerator().setModelPath(Fixtures.model("text-generation-gpt2").toString()).setMaxNewTokens(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text-generation-gpt2", "text-generation-llama"})
  void textGeneratorGivesTransformersTextsWithAndWithoutThePrompt(String family) {
    JsonNode cases = Fixtures.golden(family, "golden.json").get("cases");
    Dataset<Row> prompts = frame(field(cases, "prompt"));
    TextGenerator stage = new TextGenerator().setModelPath(Fixtures.model(family).toString()).setMaxNewTokens(8);
    List<Row> full = sortedById(stage.transform(prompts));
    List<Row> continuations = sortedById(stage.setReturnFullText(false).transform(prompts));
    for (int i = 0; i < cases.size(); i++) {
      assertEquals(cases.get(i).get("pipeline").get(0).get("generated_text").asText(), text(full.get(i)));
      assertEquals(cases.get(i).get("pipeline_new_text_only").get(0).get("generated_text").asText(),
          text(continuations.get(i)));
    }
    assertEquals("struct<generated_text:string>",
        stage.transformSchema(prompts.schema()).apply("prediction").dataType().simpleString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"summarization-bart", "summarization-pegasus"})
  void summarizerGivesTransformersSummariesOfTruncatedTexts(String family) {
    JsonNode cases = Fixtures.golden(family, "golden.json").get("cases");
    Summarizer stage = new Summarizer().setModelPath(Fixtures.model(family).toString())
        .setMaxNewTokens(8).setTruncation(true);
    Dataset<Row> texts = frame(field(cases, "text"));
    List<Row> out = sortedById(stage.transform(texts));
    for (int i = 0; i < cases.size(); i++) {
      assertEquals(cases.get(i).get("pipeline").get(0).get("summary_text").asText(), text(out.get(i)));
    }
    assertEquals("struct<summary_text:string>",
        stage.transformSchema(texts.schema()).apply("prediction").dataType().simpleString());
  }

  /**
   * T5 by its translation_en_to_de entry (prefix), mBART by the target's language code (forced
   * first), Marian (one language pair) without languages.
   */
  @ParameterizedTest
  @CsvSource({"translation-t5, en, de", "translation-mbart, en_XX, ro_RO", "translation-marian, , "})
  void translatorGivesTransformersTranslations(String family, String srcLang, String tgtLang) {
    JsonNode cases = Fixtures.golden(family, "golden.json").get("cases");
    Translator stage = new Translator().setModelPath(Fixtures.model(family).toString())
        .setSrcLang(srcLang).setTgtLang(tgtLang).setMaxNewTokens(8);
    List<Row> out = sortedById(stage.transform(frame(field(cases, "text"))));
    for (int i = 0; i < cases.size(); i++) {
      assertEquals(cases.get(i).get("pipeline").get(0).get("translation_text").asText(), text(out.get(i)));
    }
  }

  @Test
  void aTargetLanguageTheModelDoesNotTranslateToFailsOnTheDriver() {
    Translator stage = new Translator().setModelPath(Fixtures.model("translation-t5").toString()).setTgtLang("fr");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stage.transform(frame(List.of("I love this movie."))));
    assertTrue(e.getMessage().contains("translation_*_to_fr"), e.getMessage());
  }

  private Dataset<Row> withBadRows() {
    List<Row> rows = List.of(RowFactory.create(0, "Hello world"), RowFactory.create(1, null),
        RowFactory.create(2, "a ".repeat(200)), RowFactory.create(3, "The weather in Paris is"));
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
        .repartition(2);
  }

  @Test
  void keepGivesANullOutputAndTheReasonForANullOrOverlongPrompt() {
    TextGenerator stage = generator().setHandleInvalid("keep");
    List<Row> out = sortedById(stage.transform(withBadRows()));
    assertEquals(4, out.size());
    assertNull(out.get(0).get(3));
    assertTrue(out.get(1).getString(3).contains("null"), out.get(1).getString(3));
    assertNull(text(out.get(2)));
    assertTrue(out.get(2).getString(3).contains("128 positions") && out.get(2).getString(3).contains("truncation"),
        out.get(2).getString(3));
    assertEquals(2, stage.counters().rowsFailed());
    List<Row> skipped = sortedById(generator().setHandleInvalid("skip").transform(withBadRows()));
    assertEquals(List.of(0, 3), skipped.stream().map(r -> r.getInt(0)).toList());
    Exception e = assertThrows(Exception.class, () -> generator().transform(withBadRows()).collectAsList());
    assertTrue(rootMessage(e).contains("handleInvalid=error"), rootMessage(e));
  }

  @Test
  void aSavedStageKeepsItsGenerateArgumentsAndOutput(@TempDir Path dir) throws Exception {
    TextGenerator stage = generator().setDoSample(true).setSeed(7).setTopK(20).setTemperature(0.8);
    String path = dir.resolve("generator").toString();
    stage.write().save(path);
    TextGenerator loaded = TextGenerator.load(path);
    assertTrue(loaded.isSet(loaded.doSample()) && !loaded.isSet(loaded.numBeams()));
    Dataset<Row> prompts = frame(List.of("Hello world", "The weather in Paris is"));
    assertEquals(sortedById(stage.transform(prompts)), sortedById(loaded.transform(prompts)));
  }

  @Test
  void eachRowTakesItsOwnMaxNewTokensFromAColumnAsItDoesAlone() {
    List<String> texts = List.of("Hello world", "The weather in Paris is", "I love this movie because it is so good",
        "A");
    Integer[] maxNewTokens = {3, null, 11, 6};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) rows.add(RowFactory.create(i, texts.get(i), maxNewTokens[i]));
    Dataset<Row> frame = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("text", DataTypes.StringType).add("max_new", DataTypes.IntegerType)).repartition(1);
    List<Row> out = sortedById(generator().setMaxNewTokensCol("max_new").setBatchSize(2).transform(frame));
    for (int i = 0; i < texts.size(); i++) {
      int own = maxNewTokens[i] == null ? 8 : maxNewTokens[i];
      Row alone = generator().setMaxNewTokens(own).transform(frame(List.of(texts.get(i)))).collectAsList().get(0);
      assertEquals(text(alone), out.get(i).getStruct(3).getString(0), texts.get(i));
    }
  }

  @Test
  void aModelFolderWithoutAKvCacheGraphFailsOnTheDriverNamingTheFilesItNeeds(@TempDir Path dir) throws Exception {
    Path gpt2 = Fixtures.model("text-generation-gpt2");
    for (String file : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json")) {
      java.nio.file.Files.copy(gpt2.resolve(file), dir.resolve(file));
    }
    Exception e = assertThrows(Exception.class,
        () -> new TextGenerator().setModelPath(dir.toString()).transform(frame(List.of("Hello world"))));
    assertTrue(rootMessage(e).contains("decoder_model_merged.onnx") && rootMessage(e).contains("decoder_with_past_model.onnx"),
        rootMessage(e));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    return String.valueOf(root.getMessage());
  }
}
