package io.sparkformers.udfs;

import io.sparkformers.inference.runtime.CoalescingWorker;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.ml.InferenceStage;
import io.sparkformers.ml.ModelLocation;
import io.sparkformers.ml.TaskBinding;
import io.sparkformers.platform.ScalaCollections;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.Seq;

/**
 * Makes a function's expression when a query names it, on the driver. A UDF registered through
 * spark.udf() has one arity and one return type; built here, the options argument is optional and
 * read once, and the return type is the one the stage declares for those options. The arguments
 * are checked as the stage checks its columns and, when the model is a constant, the model is
 * opened as the stage's transform opens it, so a bad folder fails the query before any task, and
 * shipped to the executors as the stage ships it when only the driver may read it.
 */
final class FunctionBuilder {
  private final TaskFunction function;
  private final Broadcast<SerializableConfiguration> hadoopConf;
  private final int taskCpus;
  /** Null for the plain function. */
  private final LongAccumulator failedRows;

  FunctionBuilder(TaskFunction function, Broadcast<SerializableConfiguration> hadoopConf,
      int taskCpus, LongAccumulator failedRows) {
    this.function = function;
    this.hadoopConf = hadoopConf;
    this.taskCpus = taskCpus;
    this.failedRows = failedRows;
  }

  String name() {
    return failedRows == null ? function.name() : function.tryName();
  }

  Expression build(Seq<Expression> arguments) {
    List<Expression> args = ScalaCollections.javaList(arguments);
    int inputs = function.inputs().size();
    if (args.size() != inputs + 1 && args.size() != inputs + 2) {
      throw new IllegalArgumentException(name() + " takes (model, " + String.join(", ", function.inputs())
          + ") or (model, " + String.join(", ", function.inputs()) + ", options), got " + args.size() + " arguments");
    }
    Map<String, String> options = args.size() == inputs + 2 ? constantOptions(args.get(inputs + 1)) : Map.of();
    InferenceStage<?, ?, ?> stage = function.stage(options);
    StructType schema = inputSchema(args.subList(1, inputs + 1));
    TaskBinding<?, ?> binding;
    try {
      binding = stage.taskBinding(schema);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
    }
    Expression model = args.get(0);
    if (!model.dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(name() + ": the model is a folder path or URI string, got "
          + model.dataType().simpleString());
    }
    ModelSpec settings = stage.modelSpec(null, taskCpus);
    ModelLocation shipped = model.foldable() ? openOnDriver(binding, settings, model.eval(null)) : null;
    RowFunction<?, ?> rows = rowFunction(binding, options, schema, settings, shipped, batching(stage));
    UserDefinedFunction udf = udf(rows, inputs + 1, stage.outputType()).withName(name());
    return ScalaUdfs.apply(udf, args.subList(0, inputs + 1));
  }

  private <I, O> RowFunction<I, O> rowFunction(TaskBinding<I, O> binding, Map<String, String> options,
      StructType schema, ModelSpec settings, ModelLocation shipped, CoalescingWorker.Settings batching) {
    return new RowFunction<>(function, options, schema, binding, settings, shipped, batching, hadoopConf, failedRows);
  }

  /** Spark reads the arguments' values by these types, as it reads the columns a stage is given. */
  private static UserDefinedFunction udf(RowFunction<?, ?> rows, int arity, DataType returnType) {
    switch (arity) {
      case 2:
        return functions.udf((UDF2<Object, Object, Object>) rows::call, returnType);
      case 3:
        return functions.udf((UDF3<Object, Object, Object, Object>) rows::call, returnType);
      default:
        throw new IllegalStateException("no function takes " + arity + " columns");
    }
  }

  /** The inputs as columns named as the stage's defaults, of the arguments' types. */
  private StructType inputSchema(List<Expression> values) {
    StructField[] fields = new StructField[values.size()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = DataTypes.createStructField(function.inputs().get(i), values.get(i).dataType(), true);
    }
    return DataTypes.createStructType(fields);
  }

  /** map('top_k', '3'): Hugging Face option names to values, read once, as the job's --option. */
  private Map<String, String> constantOptions(Expression options) {
    if (!(options.dataType() instanceof MapType map) || !map.keyType().equals(DataTypes.StringType)
        || !options.foldable()) {
      throw new IllegalArgumentException(name() + ": options must be a constant map of option names to values,"
          + " e.g. map('top_k', '3'); got " + options.sql());
    }
    Map<String, String> out = new LinkedHashMap<>();
    Object value = CatalystTypeConverters.convertToScala(options.eval(null), map);
    if (value != null) {
      ScalaCollections.javaMap((scala.collection.Map<?, ?>) value)
          .forEach((k, v) -> out.put(k.toString(), String.valueOf(v)));
    }
    return out;
  }

  /**
   * As the stage's transform: on CPU, since the driver may have no GPU (the executors reuse the load
   * in local mode); then where the executors will read it.
   */
  private ModelLocation openOnDriver(TaskBinding<?, ?> binding, ModelSpec settings, Object uri) {
    if (uri == null) throw new IllegalArgumentException(name() + ": the model is NULL");
    try {
      binding.pipeline(settings.at(uri.toString()).onCpu().open(hadoopConf.value().value(), List.of()));
      return ModelLocation.of(SparkSession.active(), uri.toString());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name() + ": model " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The options' batch_size, else the session's maxBatch, else the stage's default batch size. */
  private CoalescingWorker.Settings batching(InferenceStage<?, ?, ?> stage) {
    int maxBatch = stage.isSet(stage.batchSize()) ? stage.getBatchSize()
        : (int) confNumber(Sparkformers.MAX_BATCH, stage.getBatchSize());
    return CoalescingWorker.Settings.of(maxBatch,
        Duration.ofMillis(confNumber(Sparkformers.MAX_WAIT_MS, Sparkformers.DEFAULT_MAX_WAIT_MS)));
  }

  /** From the conf of the session analyzing the query. */
  private long confNumber(String key, long fallback) {
    String value = SQLConf.get().getConfString(key, String.valueOf(fallback));
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
    }
  }
}
