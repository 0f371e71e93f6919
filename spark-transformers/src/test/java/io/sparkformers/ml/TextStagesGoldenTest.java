package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.platform.ScalaCollections;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import io.sparkformers.testing.Vectors;
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
import org.junit.jupiter.params.provider.CsvSource;
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

  @ParameterizedTest
  @ValueSource(strings = {"none", "simple", "first", "average", "max"})
  void tokenClassificationMatchesTheFastPipeline(String strategy) {
    String model = "token-classification-bert";
    JsonNode cases = Fixtures.golden(model, "golden_fast.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    TokenClassifier stage = new TokenClassifier().setModelPath(Fixtures.model(model).toString())
        .setAggregationStrategy(strategy).setOutputCol("entities");
    List<Row> out = sortedById(stage.transform(
        frame(new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType), rows)));
    String labelField = strategy.equals("none") ? "entity" : "entity_group";
    for (int i = 0; i < cases.size(); i++) {
      JsonNode expected = cases.get(i).get("pipeline").get(strategy);
      List<Row> entities = out.get(i).getList(2);
      assertEquals(expected.size(), entities.size(), cases.get(i).get("text").asText());
      for (int k = 0; k < entities.size(); k++) {
        Row e = entities.get(k);
        JsonNode x = expected.get(k);
        assertEquals(x.get(labelField).asText(), e.getAs(labelField));
        assertEquals(x.get("word").asText(), e.getAs("word"));
        assertEquals(x.get("start").asInt(), (int) e.getAs("start"));
        assertEquals(x.get("end").asInt(), (int) e.getAs("end"));
        assertEquals(x.get("score").floatValue(), (float) e.getAs("score"), 1e-4);
        if (strategy.equals("none")) assertEquals(x.get("index").asInt(), (int) e.getAs("index"));
      }
    }
  }

  @Test
  void questionAnsweringFindsAnswersAcrossWindowsAsTheFastPipeline() {
    String model = "question-answering-bert";
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

  /**
   * Every number of every vector, against the Python reference (feature-extraction-bert's golden:
   * transformers' pipeline per token; mean and CLS pooling and normalization as sentence-transformers).
   */
  @ParameterizedTest(name = "pooling={0}, normalize={1}")
  @CsvSource({"none,false", "none,true", "mean,false", "mean,true", "cls,false", "cls,true"})
  void featureExtractionGivesThePythonReferencesVectors(String pooling, boolean normalize) {
    String model = "feature-extraction-bert";
    JsonNode cases = Fixtures.golden(model, "golden.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    FeatureExtractor stage = new FeatureExtractor().setModelPath(Fixtures.model(model).toString())
        .setPooling(pooling).setNormalize(normalize).setOutputCol("vectors");
    List<Row> out = sortedById(stage.transform(
        frame(new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType), rows)));
    assertEquals(cases.size(), out.size());
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      boolean perToken = pooling.equals("none");
      JsonNode expected = perToken && !normalize ? c.get("pipeline")
          : c.get("vectors").get(pooling + (normalize ? ",normalize" : ""));
      List<?> vectors = perToken ? out.get(i).getList(2) : List.of(out.get(i).getList(2));
      assertEquals(perToken ? expected.size() : 1, vectors.size(), "vectors of '" + c.get("text").asText() + "'");
      for (int v = 0; v < vectors.size(); v++) {
        Object vector = vectors.get(v);
        float[] actual = Vectors.floats(vector instanceof List<?> list ? list
            : ScalaCollections.javaList((scala.collection.Seq<?>) vector));
        Vectors.assertMatchesGolden(perToken ? expected.get(v) : expected, actual,
            "'" + c.get("text").asText() + "', vector " + v);
      }
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
