package io.sparkformers.jobs;

import io.sparkformers.ml.InferenceStage;
import io.sparkformers.ml.Parallelism;
import io.sparkformers.ml.StageOptions;
import io.sparkformers.ml.Tasks;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reads a table, runs one task's stage over it and writes every input column plus the prediction,
 * then prints one summary line. Runs under spark-submit and as {@code java -jar}.
 */
@Command(name = "sparkformers-job", sortOptions = false, usageHelpAutoWidth = true,
    description = "Runs a Hugging Face-style model over a table with Spark and writes the predictions.",
    footer = {"", "Exit codes: 0 done, 1 the job failed, 2 bad arguments, input or model folder.", "",
        "Example:", "  --task feature-extraction --model models/all-MiniLM-L6-v2",
        "  --input sentences.jsonl --input-format jsonl --output embeddings",
        "  --option pooling=mean --option normalize=true"})
public final class BatchInferenceJob {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_ARGUMENTS = 2;
  private static final Logger LOG = LoggerFactory.getLogger(BatchInferenceJob.class);

  @Option(names = "--task", required = true, completionCandidates = TaskNames.class,
      description = "Hugging Face task name: ${COMPLETION-CANDIDATES}")
  private String task;

  @Option(names = "--model", required = true, description = "model folder (Hugging Face / Optimum ONNX layout), any Hadoop URI")
  private String model;

  @Option(names = "--input", required = true, description = "input file or folder, any Hadoop URI (a glob for images/audio)")
  private String input;

  @Option(names = "--output", required = true,
      description = "output folder; must not exist unless --overwrite (or --resume, over a resumable run's)")
  private String output;

  @Option(names = "--input-format", defaultValue = "parquet",
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); text: one row per line in column text;"
          + " images/audio: one row per file, columns path and content")
  private InputFormat inputFormat;

  @Option(names = "--input-col", description = "input column (default: the stage's, else text, or content for images/audio)")
  private String inputCol;

  @Option(names = "--output-format", defaultValue = "parquet", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  private OutputFormat outputFormat;

  @Option(names = "--batch-size", description = "max rows per forward pass (default: the stage's)")
  private Integer batchSize;

  @Option(names = "--partitions",
      description = "partitions, so parallel tasks, to run the model in (default: the input's, raised to the"
          + " session's task slots when fewer: a small file is one partition)")
  private Integer partitions;

  /** --partitions, else the session's task slots (each partition is one task): set once the session runs. */
  private int partitionsWanted;

  /** The partitions the model ran in, for the summary line (under --resume, the last chunk's). */
  private int partitionsUsed;

  @Option(names = "--device", description = "auto, cpu, cuda or cuda:N (default: auto)")
  private String device;

  @Option(names = "--handle-invalid",
      description = "error (fail on a bad row, the default), skip (drop it, counted) or keep (null prediction, reason in column error)")
  private String handleInvalid;

  @Option(names = "--option", paramLabel = "KEY=VALUE",
      description = "a task parameter by its Hugging Face name, value as JSON or plain text:"
          + " top_k=null, pooling=mean, normalize=true, aggregation_strategy=simple, question_col=q;"
          + " the flags above win over the same parameter here")
  private Map<String, String> options = new LinkedHashMap<>();

  @Option(names = "--overwrite", description = "replace the output folder if it exists")
  private boolean overwrite;

  @Option(names = "--resume", description = "commit the output in chunks of input files; re-run the same command"
      + " after a crash to skip the chunks already committed")
  private boolean resume;

  @Option(names = "--chunk-files", defaultValue = "16", description = "with --resume: input files per chunk (default: ${DEFAULT-VALUE})")
  private int chunkFiles;

  @Option(names = "--max-failed-rows", description = "error budget: stop the job once more rows than this failed")
  private Long maxFailedRows;

  @Option(names = "--max-failed-fraction",
      description = "error budget: stop the job once failed rows pass this fraction of the rows so far (judged from 200 rows on)")
  private Double maxFailedFraction;

  @Option(names = "--master", description = "Spark master (default: spark-submit's, else local[*])")
  private String master;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  private boolean help;

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The job, returning its exit code instead of exiting, so it can run inside another program. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    BatchInferenceJob job = new BatchInferenceJob();
    CommandLine cli = new CommandLine(job).setCaseInsensitiveEnumValuesAllowed(true);
    try {
      cli.parseArgs(args);
      if (cli.isUsageHelpRequested()) {
        cli.usage(out);
        return OK;
      }
      out.println(job.call(cli.getParseResult()).line());
      return OK;
    } catch (CommandLine.ParameterException e) {
      return badArguments(err, e.getMessage(), cli);
    } catch (JobArgumentException e) {
      return badArguments(err, e.getMessage(), e.showUsage() ? cli : null);
    } catch (Exception e) {
      // Spark throws SparkException, a checked exception, without declaring it
      return JobFailure.report(e, err);
    }
  }

  /** A command line wrong in itself gets the usage; anything else one line and a pointer to it. */
  private static int badArguments(PrintStream err, String message, CommandLine usage) {
    if (usage != null) {
      err.println("sparkformers: " + message);
      usage.usage(err);
    } else {
      err.println("sparkformers: " + message + " (--help for usage)");
    }
    return BAD_ARGUMENTS;
  }

  private JobSummary call(CommandLine.ParseResult given) throws IOException {
    if (resume && overwrite) {
      throw JobArgumentException.usage("--resume continues an output, --overwrite replaces it: pass one of them");
    }
    InferenceStage<?, ?, ?> stage = stage();
    try (JobSession session = JobSession.start("sparkformers " + task, master)) {
      SparkSession spark = session.spark();
      if (!exists(spark, input)) throw JobArgumentException.rejected("input " + input + " does not exist");
      long started = System.nanoTime();
      partitionsWanted = partitions != null ? partitions : Parallelism.taskSlots(spark);
      RowCounts rows;
      try (FileSplits splits = FileSplits.atLeast(spark, inputFormat.splitsFiles() ? partitionsWanted : 1)) {
        rows = resume ? writeInChunks(spark, stage, given) : write(spark, stage);
      }
      return JobSummary.of(task, rows, partitionsUsed, System.nanoTime() - started);
    }
  }

  /** The whole input in one Spark write, moved to --output once it succeeded. */
  private RowCounts write(SparkSession spark, InferenceStage<?, ?, ?> stage) {
    StagedOutput staged = StagedOutput.at(spark.sparkContext(), output, overwrite);
    LOG.info("reading {} as {}", input, inputFormat);
    Dataset<Row> predicted = predict(stage, inputFormat.read(spark, input));
    LOG.info("{} with {} on column {}, writing {} to {}", task, model, stage.getInputCol(), outputFormat, output);
    // the one action: the stage's counters are complete once the write returns
    staged.write(path -> outputFormat.write(predicted.write().mode(SaveMode.Overwrite), path));
    return RowCounts.of(stage.counters());
  }

  /** --resume: one Spark write per chunk of input files, each committed with its counts. */
  private RowCounts writeInChunks(SparkSession spark, InferenceStage<?, ?, ?> stage, CommandLine.ParseResult given)
      throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<FileStatus> files = ResumableOutput.inputFiles(conf, input);
    ResumeFingerprint fingerprint = ResumeFingerprint.of(conf, files, model, options(given));
    ResumableOutput out = ResumableOutput.open(conf, output, fingerprint, files, chunkFiles);
    StructType schema = inputFormat.read(spark, input).schema();
    RowCounts rows = RowCounts.NONE;
    for (int chunk = 0; chunk < out.chunkCount(); chunk++) {
      if (out.committed(chunk)) {
        LOG.info("chunk {} of {}: committed by an earlier run", chunk + 1, out.chunkCount());
      } else {
        Dataset<Row> predicted = predict(stage, inputFormat.read(spark, schema, out.files(chunk)));
        out.commit(chunk, path -> {
          outputFormat.write(predicted.write().mode(SaveMode.Overwrite), path);
          return RowCounts.of(stage.counters());
        });
        LOG.info("chunk {} of {} committed to {}", chunk + 1, out.chunkCount(), output);
      }
      rows = rows.plus(out.counts(chunk));
    }
    out.finish();
    return rows;
  }

  /** Every option given, as typed, but those that change neither what is computed nor how it is written. */
  private static Map<String, String> options(CommandLine.ParseResult given) {
    Map<String, String> options = new TreeMap<>();
    for (CommandLine.Model.OptionSpec o : given.matchedOptions()) {
      if (!List.of("--resume", "--master").contains(o.longestName())) {
        options.put(o.longestName(), String.valueOf((Object) o.getValue()));
      }
    }
    return options;
  }

  private Dataset<Row> predict(InferenceStage<?, ?, ?> stage, Dataset<Row> read) {
    int readPartitions = read.rdd().getNumPartitions();
    partitionsUsed = partitions != null ? partitionsWanted : Math.max(readPartitions, partitionsWanted);
    Dataset<Row> rows = spread(read, readPartitions, partitionsUsed);
    // the stage's default column (text, image, audio) unless the input has none by that name
    if (!stage.isSet(stage.inputCol())
        && !(stage.isDefined(stage.inputCol()) && List.of(rows.columns()).contains(stage.getInputCol()))) {
      stage.setInputCol(inputFormat.defaultInputCol());
    }
    return transform(stage, rows);
  }

  /**
   * The input over {@code wanted} partitions when the read has another number: files Spark cannot
   * split (images, audio) or --partitions below the read's. Round-robin, so each partition gets rows
   * of every length and the stage's length-sorted windows still fill.
   */
  private static Dataset<Row> spread(Dataset<Row> rows, int read, int wanted) {
    if (wanted == read) return rows;
    LOG.info("repartitioning the input from {} to {} partitions", read, wanted);
    return rows.repartition(wanted);
  }

  /** The task's stage with every argument set: all checked before Spark starts. */
  private InferenceStage<?, ?, ?> stage() {
    InferenceStage<?, ?, ?> stage;
    try {
      stage = Tasks.stage(task);
    } catch (IllegalArgumentException e) {
      throw JobArgumentException.usage(e.getMessage());
    }
    Map<String, String> params = new LinkedHashMap<>(options);
    params.put("model_path", model);
    if (inputCol != null) params.put("input_col", inputCol);
    if (partitions != null && partitions < 1) throw JobArgumentException.usage("--partitions must be at least 1");
    if (batchSize != null) params.put("batch_size", batchSize.toString());
    if (device != null) params.put("device", device);
    if (handleInvalid != null) params.put("handle_invalid", handleInvalid);
    if (maxFailedRows != null) params.put("max_failed_rows", maxFailedRows.toString());
    if (maxFailedFraction != null) params.put("max_failed_fraction", maxFailedFraction.toString());
    try {
      StageOptions.apply(stage, params);
    } catch (IllegalArgumentException e) {
      throw JobArgumentException.usage(e.getMessage());
    }
    return stage;
  }

  private static boolean exists(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      FileStatus[] matches = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).globStatus(p);
      return matches != null && matches.length > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stage checks the model folder and the input columns here, on the driver, before any task. */
  private static Dataset<Row> transform(InferenceStage<?, ?, ?> stage, Dataset<Row> rows) {
    try {
      return stage.transform(rows);
    } catch (IllegalArgumentException e) {
      throw JobArgumentException.rejected(e.getMessage());
    }
  }

  /** The task names picocli lists in the usage text. */
  static final class TaskNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      // as the unknown-task message names them: the language-pair form of translation too
      List<String> names = new ArrayList<>(Tasks.names());
      names.add(names.indexOf("translation") + 1, "translation_{src}_to_{tgt}");
      return names.iterator();
    }
  }
}
