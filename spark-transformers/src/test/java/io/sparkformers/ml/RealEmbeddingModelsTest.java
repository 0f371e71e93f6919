package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real pretrained embedding models (langchain4j's Maven artifacts) through FeatureExtractor, whole
 * vectors against transformers.js, an independent tokenizer and pooling over the same graph
 * (reference/tfjs: made by {@code bash spark-transformers/src/test/tools/tfjs/make_vectors.sh}).
 * Pooling as each model card says: all-MiniLM-L6-v2 and e5 mean, bge CLS; all normalized.
 */
class RealEmbeddingModelsTest {
  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("all-MiniLM-L6-v2", (Supplier<Path>) Fixtures::miniLm, "mean"),
        Arguments.of("e5-small-v2", (Supplier<Path>) Fixtures::e5SmallV2, "mean"),
        Arguments.of("bge-small-en-v1.5", (Supplier<Path>) Fixtures::bgeSmallEnV15, "cls"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void everyVectorMatchesTransformersJs(String name, Supplier<Path> folder, String pooling) {
    JsonNode reference = Fixtures.json("reference/tfjs/" + name + ".json");
    assertEquals(pooling, reference.get("pooling").asText(), "the reference was made with the same pooling");
    List<Row> rows = new ArrayList<>();
    for (JsonNode sentence : reference.get("sentences")) rows.add(RowFactory.create(rows.size(), sentence.asText()));
    FeatureExtractor stage = new FeatureExtractor().setModelPath(folder.get().toString())
        .setPooling(pooling).setNormalize(true).setOutputCol("embedding");
    List<Row> out = new ArrayList<>(stage.transform(LocalSpark.get().createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)).repartition(2))
        .collectAsList());
    out.sort(Comparator.comparingInt(r -> r.getInt(0)));

    assertEquals(rows.size(), out.size());
    for (int i = 0; i < out.size(); i++) {
      JsonNode expected = reference.get("vectors").get(i);
      List<Float> actual = out.get(i).getList(2);
      assertEquals(expected.size(), actual.size());
      double dot = 0;
      double worst = 0;
      for (int d = 0; d < actual.size(); d++) {
        dot += actual.get(d) * expected.get(d).doubleValue();
        worst = Math.max(worst, Math.abs(actual.get(d) - expected.get(d).doubleValue()));
      }
      String text = rows.get(i).getString(1);
      assertTrue(worst <= 1e-4, name + " '" + text + "': largest difference " + worst);
      assertTrue(dot >= 0.9999, name + " '" + text + "': cosine " + dot);
    }
  }

  @Test
  void everyTokenVectorMatchesTransformersJs() {
    JsonNode reference = Fixtures.json("reference/tfjs/all-MiniLM-L6-v2-tokens.json");
    List<Row> rows = new ArrayList<>();
    for (JsonNode sentence : reference.get("sentences")) rows.add(RowFactory.create(rows.size(), sentence.asText()));
    FeatureExtractor stage = new FeatureExtractor().setModelPath(Fixtures.miniLm().toString())
        .setPooling("none").setOutputCol("tokens");
    List<Row> out = new ArrayList<>(stage.transform(LocalSpark.get().createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)).repartition(2))
        .collectAsList());
    out.sort(Comparator.comparingInt(r -> r.getInt(0)));

    for (int i = 0; i < out.size(); i++) {
      JsonNode expected = reference.get("vectors").get(i);
      List<scala.collection.Seq<Float>> tokens = out.get(i).getList(2);
      assertEquals(expected.size(), tokens.size(), "tokens of '" + rows.get(i).getString(1) + "'");
      for (int t = 0; t < tokens.size(); t++) {
        List<Float> vector = io.sparkformers.platform.ScalaCollections.javaList(tokens.get(t));
        assertEquals(expected.get(t).size(), vector.size());
        for (int d = 0; d < vector.size(); d++) {
          assertEquals(expected.get(t).get(d).floatValue(), vector.get(d), 1e-4f,
              "sentence " + i + ", token " + t + ", dim " + d);
        }
      }
    }
  }
}
