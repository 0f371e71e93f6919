package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.runtime.ModelCache;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalCluster;
import io.sparkformers.testing.RemoteLikeFileSystem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two executor JVMs (local-cluster), two stages on one model: each executor loads the model once
 * and the output is what local mode gives. On the cluster the model is read through a scheme that
 * only the session's runtime configuration names, so executors can fetch it only with the
 * configuration the stage ships them. Runs in its own forked JVM (tag own-jvm) because it starts
 * and stops its own SparkContexts.
 */
@Tag("own-jvm")
class MultiExecutorTest {
  private static final String MODEL = "text-classification-bert";
  private static final int PARTITIONS = 8;
  private static final int EXECUTORS = 2;
  private static final String REMOTE_SCHEME = "sfcluster";
  private static final StructType INPUT = new StructType()
      .add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);

  private static List<Row> onCluster;
  private static List<Row> inLocalMode;

  @BeforeAll
  static void runOnTwoExecutorsAndLocally() throws Exception {
    inLocalMode = run(SparkSession.builder().master("local[1]").appName("MultiExecutorTest")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate(), false);
    onCluster = run(LocalCluster.start(SparkSession.builder().appName("MultiExecutorTest"), EXECUTORS), true);
  }

  /**
   * The pipeline's output, each row followed by the JVM that computed it and that JVM's session
   * loads; {@code remote}: the model path names a scheme set in the session's conf at runtime.
   */
  private static List<Row> run(SparkSession spark, boolean remote) {
    try {
      // parallelize with explicit slices: the same rows in the same partitions, so the same batches
      Dataset<Row> texts = spark.createDataFrame(
          new JavaSparkContext(spark.sparkContext()).parallelize(texts(), PARTITIONS), INPUT);
      String folder = Fixtures.model(MODEL).toAbsolutePath().toString();
      if (remote) {
        spark.conf().set(RemoteLikeFileSystem.implKey(REMOTE_SCHEME), RemoteLikeFileSystem.class.getName());
        folder = REMOTE_SCHEME + "://" + folder;
      }
      TextClassifier top1 = new TextClassifier().setModelPath(folder).setInputCol("text").setOutputCol("top1");
      TextClassifier all = new TextClassifier().setModelPath(folder).setInputCol("text").setOutputCol("all")
          .setTopK(NullableIntParam.NONE);
      Dataset<Row> out = all.transform(top1.transform(texts));
      StructType tagged = out.schema().add("jvm", DataTypes.StringType).add("sessionLoads", DataTypes.LongType);
      List<Row> rows = new ArrayList<>(out.mapPartitions(TagWithJvm.INSTANCE, Encoders.row(tagged)).collectAsList());
      rows.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
      return rows;
    } finally {
      spark.stop();
    }
  }

  /** Passes a partition through, then stamps each row with this JVM and its session loads so far. */
  private enum TagWithJvm implements MapPartitionsFunction<Row, Row> {
    INSTANCE;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add); // the stages have run for this partition once this returns
      String jvm = SparkEnv.get().executorId() + "/pid " + ProcessHandle.current().pid();
      long loads = ModelCache.loads("session");
      List<Row> tagged = new ArrayList<>(all.size());
      for (Row r : all) {
        Object[] values = new Object[r.length() + 2];
        for (int i = 0; i < r.length(); i++) values[i] = r.get(i);
        values[r.length()] = jvm;
        values[r.length() + 1] = loads;
        tagged.add(RowFactory.create(values));
      }
      return tagged.iterator();
    }
  }

  private static List<Row> texts() {
    JsonNode golden = Fixtures.golden(MODEL, "golden.json");
    List<Row> rows = new ArrayList<>();
    // repeated with growing tails so batches mix lengths
    for (int copy = 0; copy < 8; copy++) {
      for (JsonNode c : golden.get("cases")) {
        rows.add(RowFactory.create(rows.size(), c.get("text").asText() + " and so on".repeat(copy)));
      }
    }
    return rows;
  }

  @Test
  void eachExecutorJvmLoadsTheSharedModelOnce() {
    Map<String, Set<Long>> loadsByJvm = new TreeMap<>();
    for (Row r : onCluster) {
      loadsByJvm.computeIfAbsent(r.getString(r.length() - 2), k -> new TreeSet<>()).add(r.getLong(r.length() - 1));
    }
    assertEquals(EXECUTORS, loadsByJvm.size(), "JVMs that ran inference: " + loadsByJvm.keySet());
    assertFalse(loadsByJvm.keySet().stream().anyMatch(jvm -> jvm.startsWith("driver")), loadsByJvm.toString());
    for (Map.Entry<String, Set<Long>> e : loadsByJvm.entrySet()) {
      assertEquals(Set.of(1L), e.getValue(), "session loads seen in " + e.getKey());
    }
  }

  @Test
  void outputIsIdenticalToLocalMode() {
    assertEquals(inLocalMode.size(), onCluster.size());
    assertEquals(withoutJvmColumns(inLocalMode), withoutJvmColumns(onCluster));
  }

  /** Each row's values without the two columns that say where it ran. */
  static List<List<Object>> withoutJvmColumns(List<Row> rows) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : rows) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < r.length() - 2; i++) values.add(r.get(i));
      out.add(values);
    }
    return out;
  }
}
