package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class TextClassifierTest {
  private static final String MODEL = "text-classification-bert";
  private final SparkSession spark = LocalSpark.get();
  private final JsonNode golden = Fixtures.golden(MODEL, "golden.json");

  private TextClassifier classifier() {
    return new TextClassifier().setModelPath(Fixtures.model(MODEL).toString()).setInputCol("text").setOutputCol("labels");
  }

  private Dataset<Row> goldenTexts() {
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : golden.get("cases")) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
        .repartition(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {MODEL, "text-classification-electra", "text-classification-albert",
      "text-classification-xlm-roberta", "text-classification-deberta-v2"})
  void everyLabelAndScoreMatchesTransformersThroughTheStage(String fixture) {
    List<Row> out = classifier().setModelPath(Fixtures.model(fixture).toString()).setTopK(NullableIntParam.NONE)
        .transform(goldenTexts()).orderBy("id").collectAsList();
    JsonNode expected = Fixtures.golden(fixture, "golden.json").get("pipeline").get("top_k=None");
    assertEquals(expected.size(), out.size());
    for (int i = 0; i < out.size(); i++) {
      List<Row> labels = out.get(i).getList(2);
      assertEquals(expected.get(i).size(), labels.size());
      for (int k = 0; k < labels.size(); k++) {
        assertEquals(expected.get(i).get(k).get("label").asText(), labels.get(k).getString(0));
        assertEquals(expected.get(i).get(k).get("score").floatValue(), labels.get(k).getFloat(1), 1e-4);
      }
    }
  }

  @Test
  void outputSchemaIsLabelScoreStructs() {
    StructType schema = classifier().transformSchema(goldenTexts().schema());
    assertEquals("array<struct<label:string,score:float>>", schema.apply("labels").dataType().simpleString());
  }

  @Test
  void wrongInputTypeIsRejectedOnTheDriverNamingTheColumn() {
    Dataset<Row> ints = spark.range(3).toDF("text");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier().transform(ints));
    assertTrue(e.getMessage().contains("'text'") && e.getMessage().contains("bigint"), e.getMessage());
  }

  private Dataset<Row> withBadRows() {
    List<Row> rows = List.of(
        RowFactory.create(0, "I love this movie".getBytes(StandardCharsets.UTF_8)),
        RowFactory.create(1, (Object) null),
        RowFactory.create(2, new byte[0]),
        RowFactory.create(3, new byte[] {(byte) 0xC3, (byte) 0x28, 0x41}),
        RowFactory.create(4, "x ".repeat(50_000).getBytes(StandardCharsets.UTF_8)),
        RowFactory.create(5, "Hello world".getBytes(StandardCharsets.UTF_8)));
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.BinaryType))
        .repartition(2);
  }

  @Test
  void keepGivesNullOutputAndAReasonForEachBadRow() {
    TextClassifier stage = classifier().setHandleInvalid("keep");
    // sorted here, not with orderBy, whose sampling pass would run the stage (and its counters) twice
    List<Row> out = new ArrayList<>(stage.transform(withBadRows()).collectAsList());
    out.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    assertEquals(6, out.size());
    assertNotNull(out.get(0).get(2));
    assertTrue(out.get(1).getString(3).contains("null"), out.get(1).getString(3));
    assertTrue(out.get(2).getString(3).contains("empty"), out.get(2).getString(3));
    assertTrue(out.get(3).getString(3).contains("UTF-8"), out.get(3).getString(3));
    // 100,000 characters are truncated to the model's window, as transformers does, not rejected
    assertNull(out.get(4).get(3));
    assertNotNull(out.get(4).get(2));
    assertNull(out.get(5).get(3));
    assertEquals(6, stage.counters().rowsIn());
    assertEquals(3, stage.counters().rowsFailed());
  }

  @Test
  void skipDropsBadRowsAndCountsThem() {
    TextClassifier stage = classifier().setHandleInvalid("skip");
    long out = stage.transform(withBadRows()).count();
    assertEquals(3, out);
    assertEquals(stage.counters().rowsIn(), stage.counters().rowsOut() + stage.counters().rowsSkipped());
    assertEquals(3, stage.counters().rowsSkipped());
  }

  @Test
  void errorFailsTheJobWithTheRowsReason() {
    Exception e = assertThrows(Exception.class, () -> classifier().transform(withBadRows()).collectAsList());
    assertTrue(rootMessage(e).contains("handleInvalid=error"), rootMessage(e));
  }

  @Test
  void cudaOnACpuBuildFailsTheTaskSayingHowToGetAGpu() {
    Exception e = assertThrows(Exception.class, () -> classifier().setDevice("cuda").transform(goldenTexts()).count());
    assertTrue(rootMessage(e).contains("no usable CUDA GPU") && rootMessage(e).contains("-Pgpu"), rootMessage(e));
  }

  @Test
  void aMissingTokenizerFailsOnTheDriver(@TempDir Path dir) throws Exception {
    Path model = Fixtures.model(MODEL);
    Files.createDirectories(dir.resolve("onnx"));
    Files.copy(model.resolve("config.json"), dir.resolve("config.json"));
    Files.copy(model.resolve("onnx/model.onnx"), dir.resolve("onnx/model.onnx"));
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> classifier().setModelPath(dir.toString()).transform(goldenTexts()));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void aLabelCountThatDiffersFromTheGraphFailsOnTheDriver(@TempDir Path dir) throws Exception {
    Path model = Fixtures.model(MODEL);
    for (String f : List.of("tokenizer.json", "tokenizer_config.json")) Files.copy(model.resolve(f), dir.resolve(f));
    Files.createDirectories(dir.resolve("onnx"));
    Files.copy(model.resolve("onnx/model.onnx"), dir.resolve("onnx/model.onnx"));
    String config = Files.readString(model.resolve("config.json"))
        .replace("\"2\": \"positive\"", "\"2\": \"positive\", \"3\": \"mixed\"");
    Files.writeString(dir.resolve("config.json"), config);
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> classifier().setModelPath(dir.toString()).transform(goldenTexts()));
    assertTrue(e.getMessage().contains("4 labels") && e.getMessage().contains("3 logits"), e.getMessage());
  }

  @Test
  void aSavedPipelineLoadsAndGivesIdenticalOutput(@TempDir Path dir) throws Exception {
    TextClassifier first = classifier().setTopK(2);
    TextClassifier second = classifier().setOutputCol("all_labels").setTopK(NullableIntParam.NONE)
        .setFunctionToApply("sigmoid");
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {first, second}).fit(goldenTexts());
    String path = dir.resolve("pipeline").toString();
    model.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(2, (int) ((TextClassifier) loaded.stages()[0]).$(((TextClassifier) loaded.stages()[0]).topK()));
    List<Row> a = model.transform(goldenTexts()).orderBy("id").collectAsList();
    List<Row> b = loaded.transform(goldenTexts()).orderBy("id").collectAsList();
    assertEquals(a, b);
  }

  @Test
  void worksOnAStreamingDataFrame(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("part-0.txt"), "I love this movie, it was great!\nHello world\n");
    Dataset<Row> stream = spark.readStream().text(dir.toString()).withColumnRenamed("value", "text");
    var query = classifier().transform(stream).writeStream().format("memory").queryName("streamed_labels")
        .trigger(org.apache.spark.sql.streaming.Trigger.AvailableNow()).start();
    query.awaitTermination();
    List<Row> out = spark.sql("select text, labels from streamed_labels order by text").collectAsList();
    assertEquals(2, out.size());
    JsonNode expected = golden.get("pipeline").get("default(top1)").get(0);
    Row first = out.get(0); // "Hello world" sorts first
    assertEquals(1, first.getList(1).size());
    Row love = out.get(1);
    assertEquals(expected.get("label").asText(), ((Row) love.getList(1).get(0)).getString(0));
    assertEquals(expected.get("score").floatValue(), ((Row) love.getList(1).get(0)).getFloat(1), 1e-4);
  }

  private static String rootMessage(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) all.append(t.getMessage()).append(" | ");
    return all.toString();
  }
}
