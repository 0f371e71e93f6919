package io.sparkformers.ml;

import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.InferenceEngine;
import io.sparkformers.inference.runtime.InferenceMetrics;
import io.sparkformers.inference.runtime.LengthBucketBatcher;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.runtime.Outcome;
import io.sparkformers.ml.CommittedRowCounts.Fate;
import io.sparkformers.platform.HadoopConfBroadcast;
import io.sparkformers.platform.SparkLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Params every task stage shares and the partition loop that runs its pipeline. A task stage
 * adds its own Params, checks its input type, declares its output type and supplies a
 * {@link TaskBinding}; it holds no tensor code.
 */
public abstract class InferenceStage<S extends InferenceStage<S, I, O>, I, O> extends Transformer implements MLWritable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceStage.class);

  private final String uid;
  private final Param<String> modelPath;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final IntParam batchSize;
  private final IntParam maxTokensPerBatch;
  private final BooleanParam sortByLength;
  private final Param<String> device;
  private final Param<String> engine;
  private final Param<String> dtype;
  private final BooleanParam ortCpuArena;
  private final BooleanParam ortMemoryPattern;
  private final Param<String> handleInvalid;
  private final Param<String> errorCol;
  private final LongParam maxFailedRows;
  private final DoubleParam maxFailedFraction;
  private transient StageCounters counters;

  protected InferenceStage(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath",
        "model folder (Hugging Face / Optimum ONNX layout): a local path or any Hadoop URI");
    inputCol = new Param<>(this, "inputCol", "input column");
    outputCol = new Param<>(this, "outputCol", "output column");
    batchSize = new IntParam(this, "batchSize", "max rows per forward pass", ParamValidators.gtEq(1));
    maxTokensPerBatch = new IntParam(this, "maxTokensPerBatch",
        "max padded length (tokens, pixels or samples) x rows per forward pass; 0 for no limit",
        ParamValidators.gtEq(0));
    sortByLength = new BooleanParam(this, "sortByLength",
        "expert: sort rows by length inside each read-ahead window so batches pad little;"
            + " false keeps arrival order (to measure what sorting gains)");
    device = new Param<>(this, "device",
        "auto (the GPU Spark assigned to the task, else CPU), cpu, cuda or cuda:N",
        (String s) -> s.matches("auto|cpu|cuda|cuda:\\d+"));
    engine = new Param<>(this, "engine", "inference engine: onnxruntime or dl4j (or one registered under META-INF/services)",
        (String s) -> InferenceEngine.exists(s));
    dtype = new Param<>(this, "dtype",
        "graph variant: fp32 (model.onnx), q8 (model_quantized.onnx), fp16, int8, uint8, q4, q4f16, bnb4",
        ParamValidators.inArray(new String[] {"fp32", "q8", "quantized", "fp16", "int8", "uint8", "q4", "q4f16", "bnb4"}));
    ortCpuArena = new BooleanParam(this, "ortCpuArena",
        "ONNX Runtime's CPU arena allocator: faster, but keeps the memory of the largest batch seen for the"
            + " executor's lifetime; false hands freed memory back (executors shared with other work)");
    ortMemoryPattern = new BooleanParam(this, "ortMemoryPattern",
        "ONNX Runtime's memory pattern optimization: pre-plans allocations per input shape; false saves"
            + " memory when shapes vary (text batches of different padded lengths)");
    handleInvalid = new Param<>(this, "handleInvalid",
        "what to do with a row that cannot be processed: error (fail the job), skip (drop it, counted),"
            + " keep (null output, reason in errorCol)",
        ParamValidators.inArray(new String[] {"error", "skip", "keep"}));
    errorCol = new Param<>(this, "errorCol", "column for the reason a row failed (handleInvalid=keep)");
    maxFailedRows = new LongParam(this, "maxFailedRows",
        "error budget: stop the job once more rows than this failed (skip or keep); unset: no limit",
        ParamValidators.gtEq(0));
    maxFailedFraction = new DoubleParam(this, "maxFailedFraction",
        "error budget: stop the job once failed rows pass this fraction of the rows counted so far;"
            + " unset: no limit", ParamValidators.inRange(0, 1));
    setDefault(outputCol, "prediction");
    setDefault(batchSize, 32);
    setDefault(maxTokensPerBatch, 0);
    setDefault(sortByLength, true);
    setDefault(device, "auto");
    setDefault(engine, "onnxruntime");
    setDefault(dtype, "fp32");
    setDefault(ortCpuArena, true);
    setDefault(ortMemoryPattern, true);
    setDefault(handleInvalid, "error");
    setDefault(errorCol, "error");
  }

  // ---- what a task stage provides

  /** Throws IllegalArgumentException naming the column and the types it accepts. */
  protected abstract void checkInputSchema(StructType schema);

  protected abstract DataType outputDataType();

  protected abstract TaskBinding<I, O> binding(StructType inputSchema);

  // ---- the same task for callers that feed rows themselves (the SQL functions of the udfs module)

  /** The binding for rows of {@code inputSchema}, after the checks {@link #transformSchema} makes. */
  public final TaskBinding<I, O> taskBinding(StructType inputSchema) {
    checkInputSchema(inputSchema);
    return binding(inputSchema);
  }

  /** The model at {@code uri} with this stage's dtype, engine, device and engine options. */
  public final ModelSpec modelSpec(String uri, int taskCpus) {
    return new ModelSpec(uri, getDtype(), getEngine(), getDevice(),
        new EngineOptions(taskCpus, getOrtCpuArena(), getOrtMemoryPattern()));
  }

  /** The type of the column {@link #transform} adds. */
  public final DataType outputType() {
    return outputDataType();
  }

  // ---- Spark

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(modelPath)) throw new IllegalArgumentException(getClass().getSimpleName() + ": set modelPath");
    checkInputSchema(schema);
    List<String> names = Arrays.asList(schema.fieldNames());
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    for (String added : addedColumns()) {
      if (names.contains(added)) {
        throw new IllegalArgumentException("output column '" + added + "' already exists in the input");
      }
    }
    fields.add(DataTypes.createStructField(getOutputCol(), outputDataType(), true));
    if (keepsErrors()) fields.add(DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }

  private List<String> addedColumns() {
    return keepsErrors() ? List.of(getOutputCol(), getErrorCol()) : List.of(getOutputCol());
  }

  private boolean keepsErrors() {
    return getHandleInvalid().equals("keep");
  }

  /**
   * Lazy: validates the model folder on the driver, then maps partitions; no action runs here.
   * Executors fetch a remote model with the session's Hadoop configuration as it is now, so
   * spark.hadoop.* and runtime fs.* settings (credentials, file system classes) reach them; a local
   * folder on a cluster is shipped to them from the driver ({@link ModelLocation}).
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    SparkLine.check();
    Dataset<Row> df = dataset.toDF();
    StructType outSchema = transformSchema(df.schema());
    SparkSession spark = df.sparkSession();
    int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    ModelSpec spec = modelSpec(getModelPath(), taskCpus);
    TaskBinding<I, O> binding = binding(df.schema());
    // an executor's own new Configuration() would see only its core-site.xml; file sources ship the
    // session's configuration the same way
    Configuration hadoopConf = spark.sessionState().newHadoopConf();
    validateOnDriver(spec, binding, hadoopConf);
    warnOfIdleSlots(df, spark);
    ModelLocation location = ModelLocation.of(spark, spec.uri());
    Broadcast<SerializableConfiguration> executorConf = HadoopConfBroadcast.of(spark.sparkContext(), hadoopConf);
    counters = StageCounters.register(spark.sparkContext(), getClass().getSimpleName());
    ErrorBudget budget = errorBudget();
    if (budget.isSet()) budget.watch(spark.sparkContext(), counters.counts);
    LengthBucketBatcher.Settings batching = LengthBucketBatcher.Settings.of(getBatchSize(), getMaxTokensPerBatch(), getSortByLength());
    return df.mapPartitions(
        new PartitionInference<>(binding, spec, location, executorConf, batching, getHandleInvalid(), counters, budget,
            getClass().getSimpleName()),
        Encoders.row(outSchema));
  }

  /**
   * Builds the pipeline once on the driver (on CPU: the driver may have no GPU), so a bad folder
   * fails here with its reason rather than in a task. In local mode the executor reuses this load.
   */
  private void validateOnDriver(ModelSpec spec, TaskBinding<I, O> binding, Configuration hadoopConf) {
    binding.pipeline(spec.onCpu().open(hadoopConf, List.of()));
  }

  /** Once per transform: a task per partition, so fewer partitions than task slots leave cores idle. */
  private void warnOfIdleSlots(Dataset<Row> df, SparkSession spark) {
    int slots = Parallelism.taskSlots(spark);
    Parallelism.partitions(df).ifPresent(partitions -> {
      if (partitions < slots) {
        LOG.warn("{}: the input has {} partition(s) but the session runs {} tasks at once; inference runs one"
            + " task per partition, so {} task slot(s) stay idle: repartition the input (df.repartition({}))"
            + " before the stage", getClass().getSimpleName(), partitions, slots, slots - partitions, slots);
      }
    });
  }

  private ErrorBudget errorBudget() {
    return new ErrorBudget(isDefined(maxFailedRows) ? (Long) $(maxFailedRows) : null,
        isDefined(maxFailedFraction) ? (Double) $(maxFailedFraction) : null);
  }

  /** Row counts of the last {@link #transform}, filled as its output is computed. */
  public StageCounters counters() {
    return counters;
  }

  @Override
  public S copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(uid=" + uid + ", modelPath=" + (isDefined(modelPath) ? getModelPath() : "") + ")";
  }

  // ---- the partition loop, on executors

  private static final class PartitionInference<I, O> implements MapPartitionsFunction<Row, Row> {
    private final TaskBinding<I, O> binding;
    private final ModelSpec spec;
    private final ModelLocation location;
    private final Broadcast<SerializableConfiguration> hadoopConf;
    private final LengthBucketBatcher.Settings batching;
    private final String handleInvalid;
    private final StageCounters counters;
    private final ErrorBudget budget;
    private final String stage;

    PartitionInference(TaskBinding<I, O> binding, ModelSpec spec, ModelLocation location,
        Broadcast<SerializableConfiguration> hadoopConf, LengthBucketBatcher.Settings batching, String handleInvalid,
        StageCounters counters, ErrorBudget budget, String stage) {
      this.binding = binding;
      this.spec = spec;
      this.location = location;
      this.hadoopConf = hadoopConf;
      this.batching = batching;
      this.handleInvalid = handleInvalid;
      this.counters = counters;
      this.budget = budget;
      this.stage = stage;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      TaskContext task = TaskContext.get();
      ModelSpec.Model model = spec.at(location.onThisJvm()).open(hadoopConf.value().value(), TaskGpus.of(task));
      InferenceMetrics metrics = new InferenceMetrics();
      long started = System.nanoTime();
      if (task != null) {
        int partition = task.partitionId();
        task.addTaskCompletionListener((TaskContext t) -> {
          LOG.info("{} partition {} on {}: {} in {} ms", stage, partition, model.device(), metrics,
              (System.nanoTime() - started) / 1_000_000);
        });
      }
      Iterator<Outcome<Row, O>> outcomes =
          LengthBucketBatcher.run(rows, binding::input, binding.pipeline(model),
              batching, model::deviceSaturated, metrics);
      return new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && outcomes.hasNext()) next = emit(outcomes.next());
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) throw new NoSuchElementException();
          Row r = next;
          next = null;
          return r;
        }
      };
    }

    /** The output row for an outcome, or null when the row is skipped. */
    private Row emit(Outcome<Row, O> outcome) {
      Row row = outcome.item();
      if (outcome.failed()) {
        switch (handleInvalid) {
          case "skip":
            budget.checkTask(counters.counts.add(Fate.SKIPPED, outcome.error()));
            return null;
          case "keep":
            budget.checkTask(counters.counts.add(Fate.KEPT_FAILED, outcome.error()));
            return append(row, null, outcome.error());
          default:
            throw new InvalidRowException("row failed with handleInvalid=error (set handleInvalid to skip"
                + " or keep to continue past bad rows): " + outcome.error());
        }
      }
      counters.counts.add(Fate.OUT);
      Object value = binding.toSpark(outcome.output());
      return "keep".equals(handleInvalid) ? append(row, value, null) : append(row, value);
    }

    private static Row append(Row row, Object... extra) {
      Object[] values = new Object[row.length() + extra.length];
      for (int i = 0; i < row.length(); i++) values[i] = row.get(i);
      System.arraycopy(extra, 0, values, row.length(), extra.length);
      return RowFactory.create(values);
    }

  }

  /** A row that failed while handleInvalid=error: fails the task, and so the job, with the reason. */
  public static final class InvalidRowException extends RuntimeException {
    InvalidRowException(String message) {
      super(message);
    }
  }

  /**
   * The row counts of one transform: rows in = rows out + rows skipped. Exact under task retries,
   * lost executors and speculation: each partition a Spark stage computed counts once (see
   * {@link CommittedRowCounts}); a second action over the same output counts it again.
   */
  public static final class StageCounters implements java.io.Serializable {
    private final CommittedRowCounts counts = new CommittedRowCounts();

    private StageCounters(org.apache.spark.SparkContext sc, String stage) {
      sc.register(counts, stage + ".rows");
    }

    static StageCounters register(org.apache.spark.SparkContext sc, String stage) {
      return new StageCounters(sc, stage);
    }

    public long rowsIn() { return counts.total().in(); }
    public long rowsOut() { return counts.total().out(); }
    public long rowsFailed() { return counts.total().failed(); }
    public long rowsSkipped() { return counts.total().skipped(); }

    /** All four counts at one moment, and the first reasons rows failed. */
    public CommittedRowCounts.Tally total() {
      return counts.total();
    }
  }

  // ---- Params

  public Param<String> modelPath() { return modelPath; }
  public Param<String> inputCol() { return inputCol; }
  public Param<String> outputCol() { return outputCol; }
  public IntParam batchSize() { return batchSize; }
  public IntParam maxTokensPerBatch() { return maxTokensPerBatch; }
  public BooleanParam sortByLength() { return sortByLength; }
  public Param<String> device() { return device; }
  public Param<String> engine() { return engine; }
  public Param<String> dtype() { return dtype; }
  public BooleanParam ortCpuArena() { return ortCpuArena; }
  public BooleanParam ortMemoryPattern() { return ortMemoryPattern; }
  public Param<String> handleInvalid() { return handleInvalid; }
  public Param<String> errorCol() { return errorCol; }
  public LongParam maxFailedRows() { return maxFailedRows; }
  public DoubleParam maxFailedFraction() { return maxFailedFraction; }

  public String getModelPath() { return $(modelPath); }
  public String getInputCol() { return $(inputCol); }
  public String getOutputCol() { return $(outputCol); }
  public int getBatchSize() { return (Integer) $(batchSize); }
  public int getMaxTokensPerBatch() { return (Integer) $(maxTokensPerBatch); }
  public boolean getSortByLength() { return (Boolean) $(sortByLength); }
  public String getDevice() { return $(device); }
  public String getEngine() { return $(engine); }
  public String getDtype() { return $(dtype); }
  public boolean getOrtCpuArena() { return (Boolean) $(ortCpuArena); }
  public boolean getOrtMemoryPattern() { return (Boolean) $(ortMemoryPattern); }
  public String getHandleInvalid() { return $(handleInvalid); }
  public String getErrorCol() { return $(errorCol); }

  @SuppressWarnings("unchecked")
  protected final S self() {
    return (S) this;
  }

  public S setModelPath(String v) { set(modelPath, v); return self(); }
  public S setInputCol(String v) { set(inputCol, v); return self(); }
  public S setOutputCol(String v) { set(outputCol, v); return self(); }
  public S setBatchSize(int v) { set(batchSize, v); return self(); }
  public S setMaxTokensPerBatch(int v) { set(maxTokensPerBatch, v); return self(); }
  public S setSortByLength(boolean v) { set(sortByLength, v); return self(); }
  public S setDevice(String v) { set(device, v); return self(); }
  public S setEngine(String v) { set(engine, v); return self(); }
  public S setDtype(String v) { set(dtype, v); return self(); }
  public S setOrtCpuArena(boolean v) { set(ortCpuArena, v); return self(); }
  public S setOrtMemoryPattern(boolean v) { set(ortMemoryPattern, v); return self(); }
  public S setHandleInvalid(String v) { set(handleInvalid, v); return self(); }
  public S setErrorCol(String v) { set(errorCol, v); return self(); }
  public S setMaxFailedRows(long v) { set(maxFailedRows, v); return self(); }
  public S setMaxFailedFraction(double v) { set(maxFailedFraction, v); return self(); }

  /** The input column's type, or a clear error naming what exists. */
  protected static DataType columnType(StructType schema, String column) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("input column '" + column + "' not found; columns are "
          + Arrays.toString(schema.fieldNames()));
    }
    return schema.apply(column).dataType();
  }
}
