package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A stage with {@code engine=dl4j} gives transformers' labels and scores, as with the default engine. */
@Tag("dl4j")
class Dl4jStageTest {
  private static final String MODEL = "text-classification-bert";
  private final SparkSession spark = LocalSpark.get();

  @Test
  void textClassifierOnDl4jMatchesTransformers() {
    JsonNode golden = Fixtures.golden(MODEL, "golden.json");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : golden.get("cases")) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    var texts = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
        .repartition(2);
    TextClassifier stage = new TextClassifier().setModelPath(Fixtures.model(MODEL).toString()).setEngine("dl4j")
        .setDevice("cpu").setInputCol("text").setOutputCol("labels").setTopK(NullableIntParam.NONE);
    List<Row> out = stage.transform(texts).orderBy("id").collectAsList();
    JsonNode expected = golden.get("pipeline").get("top_k=None");
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
}
