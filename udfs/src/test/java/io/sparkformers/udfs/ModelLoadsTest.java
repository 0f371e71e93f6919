package io.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.inference.runtime.ModelCache;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An executor JVM loads a model once, however many tasks, queries and function variants use it. */
class ModelLoadsTest {
  private final SparkSession spark = LocalSpark.get();

  @Test
  void oneSessionAndOneBatcherServeEveryTaskQueryAndVariant(@TempDir Path dir) throws IOException {
    // a folder of its own, so no other test has loaded it yet
    Path model = copy(Fixtures.model("text-classification-bert"), dir.resolve("model"));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 16; i++) rows.add(RowFactory.create(i, "review number " + i));
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
        .repartition(4).createOrReplaceTempView("reviews");
    Sparkformers.register(spark);
    long sessions = ModelCache.loads("session");
    long batchers = ModelCache.loads("sql-function");

    String query = "SELECT id, hf_classify('" + model + "', text), try_hf_classify('" + model + "', text) FROM reviews";
    assertEquals(16, spark.sql(query).collectAsList().size());
    assertEquals(16, spark.sql(query).collectAsList().size());

    assertEquals(1, ModelCache.loads("session") - sessions, "the driver's check and 4 tasks x 2 queries share a session");
    assertEquals(1, ModelCache.loads("sql-function") - batchers, "hf_classify and try_hf_classify share a batcher");
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, to.resolve(from.relativize(f).toString()));
    }
    return to;
  }
}
