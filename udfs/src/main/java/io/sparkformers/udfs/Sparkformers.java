package io.sparkformers.udfs;

import io.sparkformers.platform.HadoopConfBroadcast;
import io.sparkformers.platform.SparkLine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The SQL functions: {@code Sparkformers.register(spark)}, or
 * {@code spark.sql.extensions=io.sparkformers.udfs.SparkformersExtensions}, then
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

  /** Each session's functions: those register made last, or those the extension made at first use. */
  private static final Map<SparkSession, Sparkformers> SESSIONS = Collections.synchronizedMap(new WeakHashMap<>());

  /** By SQL name, plain and try_. */
  private final Map<String, FunctionBuilder> builders;
  private final Map<String, LongAccumulator> failedRows;

  private Sparkformers(Map<String, FunctionBuilder> builders, Map<String, LongAccumulator> failedRows) {
    this.builders = builders;
    this.failedRows = failedRows;
  }

  /**
   * Adds the functions to this session. Executors read remote model folders with the session's
   * Hadoop configuration as it is now; register again after changing fs.* settings.
   */
  public static Sparkformers register(SparkSession spark) {
    SparkLine.check();
    Sparkformers functions = create(spark);
    FunctionRegistry registry = spark.sessionState().functionRegistry();
    for (var f : descriptions(() -> functions)) ScalaUdfs.register(registry, f);
    SESSIONS.put(spark, functions);
    return functions;
  }

  /**
   * The functions of this session: those {@link #register} made last, else those the extension
   * made when the session first named one (with its Hadoop configuration as it was then).
   */
  public static Sparkformers of(SparkSession spark) {
    return SESSIONS.computeIfAbsent(spark, Sparkformers::create);
  }

  /**
   * Every function as the function registry takes it; {@code functions} gives the instance whose
   * builders a query calls (one instance for register; the analyzed query's session for the extension).
   */
  static List<Description> descriptions(Supplier<Sparkformers> functions) {
    List<Description> out = new ArrayList<>();
    for (TaskFunction function : TaskFunction.ALL) {
      for (String name : List.of(function.name(), function.tryName())) {
        out.add(new Description(new FunctionIdentifier(name), info(function, name),
            args -> functions.get().builders.get(name).build(args)));
      }
    }
    return out;
  }

  /** A function as the registry takes it, with its builder over Scala's Seq of either Scala version. */
  record Description(FunctionIdentifier id, ExpressionInfo info,
      java.util.function.Function<scala.collection.Seq<Expression>, Expression> builder) {}

  private static ExpressionInfo info(TaskFunction function, String name) {
    String usage = name + "(model, " + String.join(", ", function.inputs()) + "[, options]) - " + function.task()
        + (name.equals(function.tryName()) ? "; NULL for a row it cannot compute" : "");
    return new ExpressionInfo(Sparkformers.class.getName(), null, name, usage, "", "", "", "", "", "", "java_udf");
  }

  private static Sparkformers create(SparkSession spark) {
    Broadcast<SerializableConfiguration> hadoopConf =
        HadoopConfBroadcast.of(spark.sparkContext(), spark.sessionState().newHadoopConf());
    int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    Map<String, FunctionBuilder> builders = new LinkedHashMap<>();
    Map<String, LongAccumulator> failed = new LinkedHashMap<>();
    for (TaskFunction function : TaskFunction.ALL) {
      LongAccumulator counter = spark.sparkContext().longAccumulator(function.tryName() + ".rowsFailed");
      failed.put(function.tryName(), counter);
      builders.put(function.name(), new FunctionBuilder(function, hadoopConf, taskCpus, null));
      builders.put(function.tryName(), new FunctionBuilder(function, hadoopConf, taskCpus, counter));
    }
    return new Sparkformers(builders, failed);
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
