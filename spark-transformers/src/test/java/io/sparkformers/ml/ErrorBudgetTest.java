package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** maxFailedRows and maxFailedFraction stop a job whose rows are bad, and leave one within budget alone. */
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

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    return root.getMessage();
  }
}
