package io.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.Folders;
import io.sparkformers.testing.LocalCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function's constant model folder that only the driver has reaches the executors through Spark:
 * the query is analyzed (the folder opened and shipped), then the folder is deleted before any task.
 * Its own JVM: it starts a local-cluster SparkContext.
 */
@Tag("own-jvm")
class DriverOnlyModelFunctionTest {
  private static final String MODEL = "text-classification-bert";

  @Test
  void aConstantFolderOnlyTheDriverHasIsShippedToTheExecutors(@TempDir Path tmp) throws Exception {
    Path driverOnly = Folders.copy(Fixtures.model(MODEL), tmp.resolve("downloaded-model"));
    SparkSession spark = LocalCluster.start(SparkSession.builder().appName("DriverOnlyModelFunctionTest"), 2);
    try {
      Sparkformers.register(spark);
      texts(spark).createOrReplaceTempView("texts");
      // local: is a path every node has: read in place by the executors
      List<Row> inPlace = byId(spark.sql("SELECT id, hf_classify('local:" + Fixtures.model(MODEL).toAbsolutePath()
          + "', text, map('top_k', 'null')) AS labels FROM texts"));
      Dataset<Row> shipped = spark.sql("SELECT id, hf_classify('" + driverOnly
          + "', text, map('top_k', 'null')) AS labels FROM texts");
      Folders.delete(driverOnly);

      assertEquals(inPlace, byId(shipped));
    } finally {
      spark.stop();
    }
  }

  private static Dataset<Row> texts(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : Fixtures.golden(MODEL, "golden.json").get("cases")) {
      rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
    return spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(rows, 4), schema);
  }

  private static List<Row> byId(Dataset<Row> out) {
    List<Row> rows = new ArrayList<>(out.collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }
}
