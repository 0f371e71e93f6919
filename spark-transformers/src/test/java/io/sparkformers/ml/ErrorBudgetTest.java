package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.platform.ScalaCollections;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * maxFailedRows and maxFailedFraction stop a job whose rows are bad, and leave one within budget
 * alone; the driver listener a budget adds goes once nothing can count into its stage.
 */
class ErrorBudgetTest {
  private final SparkSession spark = LocalSpark.get();

  private TextClassifier classifier() {
    return new TextClassifier().setModelPath(Fixtures.model("text-classification-bert").toString())
        .setInputCol("text").setHandleInvalid("skip");
  }

  /** {@code rows} texts in {@code partitions} partitions, {@code bad} of every 4 empty. */
  private Dataset<Row> texts(int rows, int bad, int partitions) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) out.add(RowFactory.create(i, i % 4 < bad ? "" : "a fine sentence " + i));
    return spark.createDataFrame(out, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType))
        .repartition(partitions);
  }

  @Test
  void allBadRowsStopTheJobAtTheRowBudgetNamingIt() {
    Exception e = assertThrows(Exception.class,
        () -> classifier().setMaxFailedRows(10).transform(texts(2000, 4, 1)).count());
    String message = rootMessage(e);
    assertTrue(message.startsWith("error budget maxFailedRows=10 exceeded: 11 of 11 rows failed in one task;"), message);
    assertTrue(message.endsWith("first reasons: "
        + String.join(" | ", Collections.nCopies(3, "InvalidInputException: text is empty"))), message);
  }

  @Test
  void allBadRowsStopTheJobAtTheFractionBudget() {
    Exception e = assertThrows(Exception.class,
        () -> classifier().setMaxFailedFraction(0.5).transform(texts(400, 4, 40)).count());
    assertTrue(rootMessage(e).contains("error budget maxFailedFraction=0.5 exceeded"), rootMessage(e));
  }

  @Test
  void aJobWithinItsRowBudgetCompletes() {
    TextClassifier stage = classifier().setMaxFailedRows(5);
    assertEquals(15, stage.transform(texts(20, 1, 3)).count());
    assertEquals(List.of(20L, 15L, 5L), List.of(stage.counters().rowsIn(), stage.counters().rowsOut(),
        stage.counters().rowsSkipped()));
  }

  @Test
  void aJobWithinItsFractionBudgetCompletes() {
    TextClassifier stage = classifier().setMaxFailedFraction(0.8);
    assertEquals(100, stage.transform(texts(400, 3, 8)).count());
    assertEquals(300, stage.counters().rowsSkipped());
  }

  @Test
  void theDriverListenerGoesOnceTheStagesCountsAreUnreachable() throws TimeoutException {
    ErrorBudget.Watch watch = watchOfACountedTransform();
    // each round: a full collection, then a task end, the event at which a watch finds its counts gone
    for (int round = 0; round < 20 && watches().contains(watch); round++) {
      System.gc();
      new JavaSparkContext(spark.sparkContext()).parallelize(List.of(1), 1).count();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    }
    assertFalse(watches().contains(watch), "the budget's listener outlived the stage, its output and its counts");
  }

  /** The listener a transform with a budget added, after an action over its output; the stage and output stay here. */
  private ErrorBudget.Watch watchOfACountedTransform() throws TimeoutException {
    List<ErrorBudget.Watch> before = watches();
    TextClassifier stage = classifier().setMaxFailedRows(5);
    assertEquals(15, stage.transform(texts(20, 1, 3)).count());
    spark.sparkContext().listenerBus().waitUntilEmpty();
    List<ErrorBudget.Watch> added = new ArrayList<>(watches());
    added.removeAll(before);
    assertEquals(1, added.size(), "listeners the transform added");
    return added.get(0);
  }

  private List<ErrorBudget.Watch> watches() {
    return new ArrayList<>(ScalaCollections.javaList(spark.sparkContext().listenerBus()
        .findListenersByClass(ClassTag$.MODULE$.apply(ErrorBudget.Watch.class))));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    return root.getMessage();
  }
}
