package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inference parallelism is the number of partitions: a stage says so when its input leaves task slots idle. */
class IdleSlotsWarningTest {
  private final SparkSession spark = LocalSpark.get();
  private final List<String> warnings = new ArrayList<>();
  private final org.apache.logging.log4j.core.Logger stageLog =
      ((LoggerContext) LogManager.getContext(false)).getLogger(InferenceStage.class.getName());
  private final AbstractAppender capture = new AbstractAppender("idle-slots-capture", null, null, true,
      Property.EMPTY_ARRAY) {
    @Override
    public void append(LogEvent event) {
      if (event.getLevel() == Level.WARN) warnings.add(event.getMessage().getFormattedMessage());
    }
  };

  @BeforeEach
  void captureWarnings() {
    capture.start();
    stageLog.addAppender(capture);
  }

  @AfterEach
  void stopCapturing() {
    stageLog.removeAppender(capture);
    capture.stop();
  }

  private static TextClassifier classifier() {
    return new TextClassifier().setModelPath(Fixtures.model("text-classification-bert").toString())
        .setInputCol("text").setOutputCol("labels");
  }

  private Dataset<Row> texts(int partitions) {
    return spark.createDataset(List.of("good", "bad", "fine", "awful", "great", "meh"), Encoders.STRING())
        .toDF("text").repartition(partitions);
  }

  @Test
  void localTwoHasTwoTaskSlots() {
    assertEquals(2, Parallelism.taskSlots(spark));
  }

  @Test
  void oneWarningPerTransformWhenTheInputHasFewerPartitionsThanSlots() {
    Dataset<Row> out = classifier().transform(texts(1));
    assertEquals(6, out.count());
    out.collectAsList();
    assertEquals(1, warnings.size(), warnings.toString());
    String warning = warnings.get(0);
    assertTrue(warning.contains("TextClassifier: the input has 1 partition(s) but the session runs 2 tasks at once"),
        warning);
    assertTrue(warning.contains("repartition the input (df.repartition(2))"), warning);
  }

  @Test
  void noWarningWhenEverySlotHasAPartition() {
    classifier().transform(texts(2)).collectAsList();
    classifier().transform(texts(3)).collectAsList();
    assertEquals(List.of(), warnings);
  }

  @Test
  void partitionsAreReadWithoutRunningTheInput() {
    // a file scan, a range, a repartition: the partitions Spark will run the stage in
    assertEquals(OptionalInt.of(3), Parallelism.partitions(spark.range(0, 10, 1, 3).toDF()));
    assertEquals(OptionalInt.of(5), Parallelism.partitions(texts(5)));
    assertEquals(OptionalInt.of(1), Parallelism.partitions(spark.read().json("../jobs/src/main/data/sentences.jsonl")));
  }
}
