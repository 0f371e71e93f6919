package io.sparkformers.udfs;

import io.sparkformers.inference.runtime.ModelCache;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.ml.ModelLocation;
import io.sparkformers.ml.TaskGpus;
import io.sparkformers.ml.TaskBinding;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * A SQL function as its tasks run it, a row at a time: the arguments are read as the stage reads
 * its columns, and the row joins the rows of the executor's other tasks in the batcher of its
 * model (one per executor JVM, made on the first call). A NULL input gives NULL, as SQL functions
 * do; a row that fails fails the query, or, for the try_ variant, gives NULL and is counted.
 */
final class RowFunction<I, O> implements Serializable {
  private final TaskFunction function;
  private final Map<String, String> options;
  private final StructType inputs;
  private final TaskBinding<I, O> binding;
  /** The model settings of the options; the model's URI comes with each row. */
  private final ModelSpec model;
  /** The constant model as the driver made it readable here, or null (a model column, read as given). */
  private final ModelLocation shipped;
  private final CoalescingBatcher.Settings batching;
  private final Broadcast<SerializableConfiguration> hadoopConf;
  /** Null for the plain function, which fails the query on a bad row. */
  private final LongAccumulator failedRows;

  RowFunction(TaskFunction function, Map<String, String> options, StructType inputs, TaskBinding<I, O> binding,
      ModelSpec model, ModelLocation shipped, CoalescingBatcher.Settings batching,
      Broadcast<SerializableConfiguration> hadoopConf, LongAccumulator failedRows) {
    this.function = function;
    this.options = options;
    this.inputs = inputs;
    this.binding = binding;
    this.model = model;
    this.shipped = shipped;
    this.batching = batching;
    this.hadoopConf = hadoopConf;
    this.failedRows = failedRows;
  }

  /** What identifies a batcher: everything its pipeline was built from. */
  private record Key(String function, Map<String, String> options, StructType inputs, ModelSpec model,
      List<String> gpus, CoalescingBatcher.Settings batching) {}

  /** @param args the model URI, then the inputs */
  Object call(Object... args) throws InterruptedException {
    if (args[0] == null) throw new IllegalArgumentException(function.name() + ": the model is NULL");
    Object[] values = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.stream(values).anyMatch(Objects::isNull)) return null;
    TaskContext context = TaskContext.get();
    BatchedTask<I, ?, O> task = task(args[0].toString(), context);
    task.join(context);
    O output;
    try {
      output = task.predict(binding.input(RowFactory.create(values)));
    } catch (RuntimeException e) {
      return failed(e);
    }
    return binding.toSpark(output);
  }

  /** The executor's batcher for this model, started by the first row that needs it. */
  private BatchedTask<I, ?, O> task(String uri, TaskContext context) {
    List<String> gpus = TaskGpus.of(context);
    ModelSpec spec = model.at(shipped != null && shipped.uri().equals(uri) ? shipped.onThisJvm() : uri);
    Key key = new Key(function.name(), options, inputs, spec, gpus, batching);
    return ModelCache.get("sql-function", key, () -> BatchedTask.start(function.name() + " " + uri,
        binding.pipeline(spec.open(hadoopConf.value().value(), gpus)), batching));
  }

  private Object failed(RuntimeException e) {
    String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    if (failedRows == null) {
      throw new RowFailedException(function.name() + " failed on a row (" + function.tryName()
          + " gives NULL for such rows and counts them): " + reason, e);
    }
    failedRows.add(1);
    return null;
  }

  /** A row the plain function could not compute: fails the query with the row's reason. */
  static final class RowFailedException extends RuntimeException {
    RowFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
