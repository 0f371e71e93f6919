package io.sparkformers.udfs;

import io.sparkformers.platform.HadoopConfBroadcast;
import io.sparkformers.platform.SparkLine;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The SQL functions: {@code Sparkformers.register(spark)}, then
 * {@code SELECT hf_classify('/models/sst2', text) FROM reviews}. One function per task
 * ({@link TaskFunction#ALL}: hf_classify, hf_embed, hf_classify_image, ...), each returning what the
 * task's stage adds as a column, with an optional constant map of Hugging Face options
 * ({@code map('top_k', '3')}). The plain function fails the query on a row it cannot compute; its
 * try_ variant gives NULL for that row and counts it.
 *
 * <p>Concurrent rows of an executor's tasks are predicted together: at most {@value #MAX_BATCH}
 * rows (default: the stage's batch size), waiting at most {@value #MAX_WAIT_MS} milliseconds
 * (default {@value #DEFAULT_MAX_WAIT_MS}) for each other.
 */
public final class Sparkformers {
  public static final String MAX_BATCH = "spark.sparkformers.udf.maxBatch";
  public static final String MAX_WAIT_MS = "spark.sparkformers.udf.maxWaitMs";
  static final long DEFAULT_MAX_WAIT_MS = 5;

  private final Map<String, LongAccumulator> failedRows;

  private Sparkformers(Map<String, LongAccumulator> failedRows) {
    this.failedRows = failedRows;
  }

  /**
   * Adds the functions to this session. Executors read remote model folders with the session's
   * Hadoop configuration as it is now; register again after changing fs.* settings.
   */
  public static Sparkformers register(SparkSession spark) {
    SparkLine.check();
    Broadcast<SerializableConfiguration> hadoopConf =
        HadoopConfBroadcast.of(spark.sparkContext(), spark.sessionState().newHadoopConf());
    int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    FunctionRegistry registry = spark.sessionState().functionRegistry();
    Map<String, LongAccumulator> failed = new LinkedHashMap<>();
    for (TaskFunction function : TaskFunction.ALL) {
      register(registry, new FunctionBuilder(spark, function, hadoopConf, taskCpus, null));
      LongAccumulator counter = spark.sparkContext().longAccumulator(function.tryName() + ".rowsFailed");
      failed.put(function.tryName(), counter);
      register(registry, new FunctionBuilder(spark, function, hadoopConf, taskCpus, counter));
    }
    return new Sparkformers(failed);
  }

  private static void register(FunctionRegistry registry, FunctionBuilder builder) {
    registry.createOrReplaceTempFunction(builder.name(), builder::build, "java_udf");
  }

  /** Rows the try_ function {@code tryFunction} turned into NULL, over every query since register. */
  public LongAccumulator failedRows(String tryFunction) {
    LongAccumulator counter = failedRows.get(tryFunction);
    if (counter == null) {
      throw new IllegalArgumentException("no try_ function '" + tryFunction + "'; they are " + failedRows.keySet());
    }
    return counter;
  }
}
