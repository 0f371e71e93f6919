package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.MultiHostCluster;
import io.sparkformers.testing.TaskAttempts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Speculative execution on a standalone cluster of two hosts ({@link MultiHostCluster}): the first
 * attempt of partition 0 counts its rows, then stalls; the scheduler starts a copy on the other
 * host, the copy succeeds and the first attempt is killed. The stage's rows go through a shuffle, so
 * its tasks are shuffle map tasks, whose every successful attempt Spark merges. The output is an
 * undisturbed run's and the stage counts every row once. Own JVM (tag own-jvm): it starts its own
 * SparkContexts and cluster.
 */
@Tag("own-jvm")
class SpeculationTest {
  /** Long enough that only a kill ends the stalled attempt, however slowly the other host starts. */
  private static final long STALL_MS = 120_000;

  private static Dataset<Row> pipeline(SparkSession spark, TextClassifier stage, MapPartitionsFunction<Row, Row> after) {
    Dataset<Row> predicted = stage.transform(ExactCountsTest.input(spark));
    return predicted.mapPartitions(after, Encoders.row(predicted.schema())).repartition(3, functions.col("id"));
  }

  @Test
  void aSpeculativeCopyChangesNeitherTheOutputNorTheCounts() throws Exception {
    List<Row> undisturbed =
        ExactCountsTest.undisturbed(spark -> pipeline(spark, ExactCountsTest.classifier(), rows -> rows));

    try (MultiHostCluster cluster = MultiHostCluster.start(2)) {
      SparkSession spark = cluster.session(MultiHostCluster.speculating(SparkSession.builder().appName("SpeculationTest")));
      try {
        TaskAttempts attempts = TaskAttempts.listen(spark);
        TextClassifier stage = ExactCountsTest.classifier();
        List<Row> rows = pipeline(spark, stage, new FirstAttemptOfPartitionZeroStalls()).collectAsList();

        assertEquals(undisturbed, ExactCountsTest.sortedById(rows));
        ExactCountsTest.assertExact(stage.counters());
        List<TaskAttempts.Attempt> ended = attempts.ended();
        TaskAttempts.Attempt copy = ended.stream()
            .filter(a -> a.partition() == 0 && a.speculative() && a.succeeded()
                && a.accumulators().contains("TextClassifier.rows"))
            .findFirst().orElseThrow(() -> new AssertionError("no speculative copy of the stage's partition 0"
                + " succeeded; task ends: " + ended));
        TaskAttempts.Attempt first = ended.stream()
            .filter(a -> a.stage() == copy.stage() && a.partition() == 0 && a.attempt() == 0)
            .findFirst().orElseThrow();
        assertTrue(first.killed(), "the stalled first attempt was killed: " + first);
        assertNotEquals(first.host(), copy.host(), "the copy ran beside the first attempt");
      } finally {
        spark.stop();
      }
    }
  }

  /** Passes rows through once the stage has counted them all; partition 0's first attempt then stalls until killed. */
  private static final class FirstAttemptOfPartitionZeroStalls implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add);
      TaskContext task = TaskContext.get();
      if (task.partitionId() == 0 && task.attemptNumber() == 0) {
        try {
          Thread.sleep(STALL_MS);
        } catch (InterruptedException e) {
          throw new TaskKilledException("killed while stalled, after counting " + all.size() + " rows");
        }
      }
      return all.iterator();
    }
  }
}
