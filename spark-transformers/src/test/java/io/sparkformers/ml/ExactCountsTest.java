package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.TaskAttempts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.TaskContext;
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

/**
 * The stage's counters under task retries: local[2,3] gives every task three attempts, and each
 * partition's first attempt fails after the stage has counted all its rows. Runs in its own JVM
 * (tag own-jvm) because it starts and stops its own SparkContexts.
 */
@Tag("own-jvm")
class ExactCountsTest {
  static final StructType INPUT = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
  static final int ROWS = 40;
  static final int PARTITIONS = 4;

  /** Every seventh text is null: a bad row, kept with its reason. */
  static List<Row> texts() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) rows.add(RowFactory.create(i, i % 7 == 3 ? null : "review number " + i + " was fine"));
    return rows;
  }

  static final long BAD = texts().stream().filter(r -> r.isNullAt(1)).count();

  static TextClassifier classifier() {
    return new TextClassifier().setModelPath(Fixtures.model("text-classification-bert").toString())
        .setInputCol("text").setOutputCol("labels").setHandleInvalid("keep");
  }

  static SparkSession session(String master) {
    return SparkSession.builder().master(master).appName("ExactCountsTest")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
  }

  static Dataset<Row> input(SparkSession spark) {
    return spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(texts(), PARTITIONS), INPUT);
  }

  static List<Row> sortedById(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return sorted;
  }

  /** The rows {@code pipeline} gives on its own local[2] session, sorted by id: the reference a disturbed run must equal. */
  static List<Row> undisturbed(Function<SparkSession, Dataset<Row>> pipeline) {
    SparkSession spark = session("local[2]");
    try {
      return sortedById(pipeline.apply(spark).collectAsList());
    } finally {
      spark.stop();
    }
  }

  static void assertExact(InferenceStage.StageCounters counters) {
    assertEquals(List.of((long) ROWS, (long) ROWS, BAD, 0L),
        List.of(counters.rowsIn(), counters.rowsOut(), counters.rowsFailed(), counters.rowsSkipped()));
  }

  @Test
  void failedFirstAttemptsAreNotCounted() throws Exception {
    List<Row> undisturbed = undisturbed(spark -> classifier().transform(input(spark)));
    SparkSession spark = session("local[2,3]");
    try {
      TaskAttempts attempts = TaskAttempts.listen(spark);
      TextClassifier stage = classifier();
      Dataset<Row> out = stage.transform(input(spark));
      List<Row> rows = out.mapPartitions(new FailFirstAttempt(), Encoders.row(out.schema())).collectAsList();
      assertEquals(undisturbed, sortedById(rows));
      assertExact(stage.counters());
      assertEquals(PARTITIONS, attempts.ended().stream().filter(a -> !a.succeeded()).count(), "failed task attempts");
    } finally {
      spark.stop();
    }
  }

  /** Lets the stage count a partition's rows, then fails the task's first attempt. */
  private static final class FailFirstAttempt implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add);
      if (TaskContext.get().attemptNumber() == 0) {
        throw new IllegalStateException("injected failure of a first attempt");
      }
      return all.iterator();
    }
  }
}
