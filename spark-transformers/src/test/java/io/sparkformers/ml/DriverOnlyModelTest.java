package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.Folders;
import io.sparkformers.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder only the driver has (a notebook's download, the submitting machine's disk) reaches
 * the executors through Spark: the folder is a fresh copy, deleted once transform has validated and
 * shipped it and before any task runs, so an executor that read the path itself would fail. Its own
 * JVM: it starts a local-cluster SparkContext.
 */
@Tag("own-jvm")
class DriverOnlyModelTest {
  private static final String MODEL = "text-classification-bert";
  private static final int EXECUTORS = 2;

  @Test
  void aFolderOnlyTheDriverHasIsShippedToEveryExecutor(@TempDir Path tmp) throws Exception {
    Path driverOnly = Folders.copy(Fixtures.model(MODEL), tmp.resolve("downloaded-model"));
    SparkSession spark = LocalCluster.start(SparkSession.builder().appName("DriverOnlyModelTest"), EXECUTORS);
    try {
      Dataset<Row> texts = texts(spark);
      // local: is Spark's word for a path every node has: the executors read the fixture in place
      List<Row> inPlace = tagged(classifier("local:" + Fixtures.model(MODEL).toAbsolutePath()).transform(texts));
      Dataset<Row> shipped = classifier(driverOnly.toString()).transform(texts);
      Folders.delete(driverOnly);
      List<Row> fromShipped = tagged(shipped);

      assertEquals(MultiExecutorTest.withoutJvmColumns(inPlace), MultiExecutorTest.withoutJvmColumns(fromShipped));
      Set<String> executors = new TreeSet<>();
      for (Row r : fromShipped) {
        executors.add(r.getString(r.length() - 2));
        assertEquals(true, r.getBoolean(r.length() - 1), "no shipped model in the SparkFiles of " + r);
      }
      assertEquals(EXECUTORS, executors.size(), "executors that ran: " + executors);
      assertFalse(executors.contains("driver"));
      for (Row r : inPlace) assertEquals(false, r.getBoolean(r.length() - 1), "a local: path was shipped");
    } finally {
      spark.stop();
    }
  }

  private static TextClassifier classifier(String path) {
    return new TextClassifier().setModelPath(path).setInputCol("text").setOutputCol("labels")
        .setTopK(NullableIntParam.NONE);
  }

  private static Dataset<Row> texts(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : Fixtures.golden(MODEL, "golden.json").get("cases")) {
      rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
    return spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(rows, 2 * EXECUTORS), schema);
  }

  /** Rows by id, each followed by its executor and whether a shipped model sits in that executor's SparkFiles. */
  private static List<Row> tagged(Dataset<Row> out) {
    StructType schema = out.schema().add("executor", DataTypes.StringType).add("shippedHere", DataTypes.BooleanType);
    List<Row> rows = new ArrayList<>(out.mapPartitions(TagWithExecutor.INSTANCE, Encoders.row(schema)).collectAsList());
    rows.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  private enum TagWithExecutor implements MapPartitionsFunction<Row, Row> {
    INSTANCE;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add); // the stage has run for this partition once this returns
      boolean shipped = shippedModelUnder(Path.of(SparkFiles.getRootDirectory()));
      List<Row> out = new ArrayList<>();
      for (Row r : all) {
        Object[] values = new Object[r.length() + 2];
        for (int i = 0; i < r.length(); i++) values[i] = r.get(i);
        values[r.length()] = SparkEnv.get().executorId();
        values[r.length() + 1] = shipped;
        out.add(RowFactory.create(values));
      }
      return out.iterator();
    }
  }

  /** Whether an unpacked model sits in the SparkFiles root or in a session's folder under it. */
  private static boolean shippedModelUnder(Path root) {
    try (Stream<Path> files = Files.walk(root, 2)) {
      return files.anyMatch(f -> Files.isDirectory(f) && f.getFileName().toString().startsWith("sparkformers-model-"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
