package io.sparkformers.ml;

import static io.sparkformers.ml.ExactCountsTest.ROWS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.ClaimFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM dies in the middle of a job on local-cluster[2,1,1024]: the stage's rows go
 * through a shuffle, so the map outputs the lost executor had written are computed again. The job
 * completes, its output is an undisturbed run's and the stage counts every row once. Own JVM (tag
 * own-jvm): it starts its own SparkContexts.
 */
@Tag("own-jvm")
class ExecutorLossTest {
  private static final int PARTITIONS = 8;

  private static Dataset<Row> pipeline(
      SparkSession spark, TextClassifier stage, LongAccumulator computed, String haltClaim) {
    Dataset<Row> input = spark.createDataFrame(
        new JavaSparkContext(spark.sparkContext()).parallelize(ExactCountsTest.texts(), PARTITIONS), ExactCountsTest.INPUT);
    Dataset<Row> predicted = stage.transform(input);
    return predicted.mapPartitions(new HaltOneExecutorOnItsSecondTask(computed, haltClaim), Encoders.row(predicted.schema()))
        .repartition(3, functions.col("id"));
  }

  @Test
  void aLostExecutorChangesNeitherTheOutputNorTheCounts(@TempDir Path tmp) throws Exception {
    List<Row> undisturbed = ExactCountsTest.undisturbed(
        spark -> pipeline(spark, ExactCountsTest.classifier(), spark.sparkContext().longAccumulator(), null));

    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    SparkSession spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("ExecutorLossTest")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.executor.extraClassPath", classPath).getOrCreate();
    try {
      while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) Thread.sleep(100);
      LongAccumulator computed = spark.sparkContext().longAccumulator("rows the stage gave");
      TextClassifier stage = ExactCountsTest.classifier();
      Path haltClaim = tmp.resolve("halted");
      List<Row> rows = pipeline(spark, stage, computed, haltClaim.toString()).collectAsList();
      assertTrue(Files.exists(haltClaim), "an executor halted");
      assertEquals(undisturbed, ExactCountsTest.sortedById(rows));
      ExactCountsTest.assertExact(stage.counters());
      // the lost executor's finished map tasks ran again: a plain accumulator counts their rows twice
      assertTrue(computed.value() > ROWS, "rows the stage gave, over all successful attempts: " + computed.value());
    } finally {
      spark.stop();
    }
  }

  /**
   * Passes rows through, counting them. The first executor JVM to start its second task, after it
   * finished one, halts; which executor that is depends on scheduling, so the JVMs claim the one
   * halt by creating a file. Without a claim file (local mode, where the driver runs tasks) no JVM
   * halts.
   */
  private static final class HaltOneExecutorOnItsSecondTask implements MapPartitionsFunction<Row, Row> {
    private static final AtomicInteger TASKS_IN_THIS_JVM = new AtomicInteger();
    private final LongAccumulator computed;
    private final String haltClaim;

    HaltOneExecutorOnItsSecondTask(LongAccumulator computed, String haltClaim) {
      this.computed = computed;
      this.haltClaim = haltClaim;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      if (haltClaim != null && TASKS_IN_THIS_JVM.incrementAndGet() == 2 && ClaimFile.claim(Path.of(haltClaim), "")) {
        Runtime.getRuntime().halt(1);
      }
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          computed.add(1);
          return rows.next();
        }
      };
    }
  }
}
