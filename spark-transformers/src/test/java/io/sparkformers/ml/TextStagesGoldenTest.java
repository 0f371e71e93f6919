package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The text goldens of transformers' pipelines, through the Spark stages. */
class TextStagesGoldenTest {
  private final SparkSession spark = LocalSpark.get();

  private Dataset<Row> frame(StructType schema, List<Row> rows) {
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  private static List<Row> sortedById(Dataset<Row> out) {
    List<Row> rows = new ArrayList<>(out.collectAsList());
    rows.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  private static final String[] STRATEGIES = {"none", "simple", "first", "average", "max"};

  @ParameterizedTest
  @ValueSource(strings = {"token-classification-bert", "token-classification-electra", "token-classification-albert",
      "token-classification-xlm-roberta", "token-classification-deberta-v2"})
  void tokenClassificationMatchesTheFastPipelineWithEveryAggregation(String model) {
    JsonNode cases = Fixtures.golden(model, "golden_fast.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    Dataset<Row> frame = frame(new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType), rows);
    for (String strategy : STRATEGIES) {
      frame = new TokenClassifier().setModelPath(Fixtures.model(model).toString())
          .setAggregationStrategy(strategy).setOutputCol(strategy).transform(frame);
    }
    List<Row> out = sortedById(frame);
    for (String strategy : STRATEGIES) {
      String labelField = strategy.equals("none") ? "entity" : "entity_group";
      for (int i = 0; i < cases.size(); i++) {
        JsonNode expected = cases.get(i).get("pipeline").get(strategy);
        List<Row> entities = out.get(i).getList(out.get(i).fieldIndex(strategy));
        String what = strategy + ": " + cases.get(i).get("text").asText();
        assertEquals(expected.size(), entities.size(), what);
        for (int k = 0; k < entities.size(); k++) {
          Row e = entities.get(k);
          JsonNode x = expected.get(k);
          assertEquals(x.get(labelField).asText(), e.getAs(labelField), what);
          assertEquals(x.get("word").asText(), e.getAs("word"), what);
          assertEquals(x.get("start").asInt(), (int) e.getAs("start"), what);
          assertEquals(x.get("end").asInt(), (int) e.getAs("end"), what);
          assertEquals(x.get("score").floatValue(), (float) e.getAs("score"), 1e-4, what);
          if (strategy.equals("none")) assertEquals(x.get("index").asInt(), (int) e.getAs("index"), what);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"question-answering-bert", "question-answering-electra", "question-answering-albert",
      "question-answering-xlm-roberta", "question-answering-deberta-v2"})
  void questionAnsweringFindsAnswersAcrossWindowsAsTheFastPipeline(String model) {
    JsonNode cases = Fixtures.golden(model, "golden_fast.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) {
      rows.add(RowFactory.create(rows.size(), c.get("question").asText(), c.get("context").asText()));
    }
    Dataset<Row> df = frame(new StructType().add("id", DataTypes.IntegerType)
        .add("q", DataTypes.StringType).add("context", DataTypes.StringType), rows);
    QuestionAnswerer top1 = new QuestionAnswerer().setModelPath(Fixtures.model(model).toString())
        .setQuestionCol("q").setOutputCol("answer");
    QuestionAnswerer top3 = top1.copy(new org.apache.spark.ml.param.ParamMap()).setTopK(3).setOutputCol("answers");
    List<Row> out = sortedById(top3.transform(top1.transform(df)));
    int multiWindow = 0;
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      if (c.get("windows").asInt() > 1) multiWindow++;
      assertAnswer(c.get("pipeline_top1"), out.get(i).getStruct(3));
      List<Row> answers = out.get(i).getList(4);
      assertEquals(c.get("pipeline_top3").size(), answers.size());
      for (int k = 0; k < answers.size(); k++) assertAnswer(c.get("pipeline_top3").get(k), answers.get(k));
    }
    assertEquals(true, multiWindow >= 3, "goldens cover contexts of several windows");
  }

  private static void assertAnswer(JsonNode expected, Row actual) {
    assertEquals(expected.get("answer").asText(), actual.getAs("answer"));
    assertEquals(expected.get("start").asInt(), (int) actual.getAs("start"));
    assertEquals(expected.get("end").asInt(), (int) actual.getAs("end"));
    assertEquals(expected.get("score").floatValue(), (float) actual.getAs("score"), 1e-4);
  }

  @Test
  void mpnetEmbeddingsMatchTheFeatureExtractionPipeline() {
    String model = "feature-extraction-mpnet";
    JsonNode cases = Fixtures.golden(model, "golden.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    Dataset<Row> frame = frame(new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType), rows);
    String path = Fixtures.model(model).toString();
    frame = new FeatureExtractor().setModelPath(path).setOutputCol("tokens").transform(frame);
    frame = new FeatureExtractor().setModelPath(path).setPooling("mean").setOutputCol("mean").transform(frame);
    frame = new FeatureExtractor().setModelPath(path).setPooling("mean").setNormalize(true).setOutputCol("normalized")
        .transform(frame);
    frame = new FeatureExtractor().setModelPath(path).setPooling("cls").setOutputCol("cls").transform(frame);
    List<Row> out = sortedById(frame);
    for (int i = 0; i < cases.size(); i++) {
      Row row = out.get(i);
      JsonNode c = cases.get(i);
      List<scala.collection.Seq<Float>> tokens = row.getList(row.fieldIndex("tokens"));
      List<Float> flat = new ArrayList<>();
      tokens.forEach(t -> flat.addAll(io.sparkformers.platform.ScalaCollections.javaList(t)));
      assertEquals(c.get("pipeline").get("shape").get(0).asInt(), tokens.size());
      assertVector(c.get("pipeline"), flat);
      assertVector(c.get("mean_pooled"), row.getList(row.fieldIndex("mean")));
      assertVector(c.get("mean_pooled_normalized"), row.getList(row.fieldIndex("normalized")));
      assertVector(c.get("cls"), row.getList(row.fieldIndex("cls")));
    }
  }

  /** Every value of a golden tensor, within the goldens' tolerance (atol 1e-4, rtol 1e-3). */
  private static void assertVector(JsonNode expected, List<Float> actual) {
    float[] values = Fixtures.floats(expected);
    assertEquals(values.length, actual.size());
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], actual.get(i), 1e-4 + 1e-3 * Math.abs(values[i]), "value " + i);
    }
  }

  @Test
  void miniLmSentenceEmbeddingsThroughTheStage() {
    List<Row> rows = List.of(RowFactory.create(0, "This is an example sentence"),
        RowFactory.create(1, "Each sentence is converted"));
    FeatureExtractor stage = new FeatureExtractor().setModelPath(Fixtures.miniLm().toString())
        .setPooling("mean").setNormalize(true).setOutputCol("embedding");
    List<Row> out = sortedById(stage.transform(
        frame(new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType), rows)));
    List<Float> v = out.get(0).getList(2);
    assertEquals(384, v.size());
    float[] first = new float[5];
    Iterator<Float> it = v.iterator();
    for (int i = 0; i < 5; i++) first[i] = it.next();
    assertArrayEquals(new float[] {0.0677f, 0.0635f, 0.0487f, 0.0793f, 0.0374f}, first, 1e-4f);
    assertEquals("array<float>", stage.transformSchema(
        new StructType().add("text", DataTypes.StringType)).apply("embedding").dataType().simpleString());
  }
}
