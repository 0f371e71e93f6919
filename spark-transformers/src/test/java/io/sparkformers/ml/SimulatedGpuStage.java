package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.bench.Sentences;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.SimulatedGpu;
import io.sparkformers.testing.SimulatedGpuEngine;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The FeatureExtractor stage on local[4]: four tasks feeding this JVM's simulated GPU through its
 * device worker, as on a CUDA executor.
 */
final class SimulatedGpuStage {
  /** Rows per task batch. */
  static final int BATCH = 8;
  static final int TASKS = 4;

  private SimulatedGpuStage() {}

  /**
   * Embeds {@code rows} sentences on a simulated GPU whose forward passes take {@code launchMicros}
   * each, checks every row got an embedding from one pass, and returns the rows of the device's passes in order.
   * The cost is read when the JVM's simulated GPU is made, so once per JVM: callers are own-jvm tests.
   */
  static List<Integer> passes(long launchMicros, int rows) {
    System.setProperty("sim.launchMicros", Long.toString(launchMicros));
    System.setProperty("sim.cellNanos", "0");
    SparkSession spark = SparkSession.builder().master("local[" + TASKS + "]").appName("SimulatedGpuStage")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    try {
      FeatureExtractor stage = new FeatureExtractor().setModelPath(Fixtures.miniLm().toString())
          .setInputCol("text").setOutputCol("embedding").setPooling("mean")
          .setBatchSize(BATCH).setEngine(SimulatedGpuEngine.NAME).setDevice("cuda");
      List<Row> embedded = stage.transform(spark.range(0, rows, 1, TASKS)
              .map((MapFunction<Long, String>) Sentences::sentence, Encoders.STRING()).toDF("text"))
          .select("embedding").collectAsList();
      assertEquals(rows, embedded.stream().filter(r -> r.getList(0).size() == 384).count(), "every row embedded");
      List<Integer> passes = SimulatedGpu.device(0).usage().rowsPerForward();
      assertEquals(rows, passes.stream().mapToInt(Integer::intValue).sum(), "every row on the device once");
      return passes;
    } finally {
      spark.stop();
    }
  }
}
