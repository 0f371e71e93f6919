package io.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.generation.DecodingProfile;
import io.sparkformers.ml.GenerationStage;
import io.sparkformers.ml.Summarizer;
import io.sparkformers.ml.TextGenerator;
import io.sparkformers.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bash jobs/bench.sh generation}: the TextGenerator stage (greedy) over {@link SyntheticGpt2}
 * (GPT-2 small) and the Summarizer stage over {@link SyntheticBart} (BART-base) on local[2], written to the noop sink, measured side by side with plain ONNX Runtime loops
 * ({@link RawGreedyLoop}, {@link RawSeq2SeqLoop}) on 2 threads over the same prompts, halves and batches, alternating
 * round by round so a slow spell on a shared machine hits all of them (after a small warm-up of each):
 * <ul>
 *   <li>{@code tokens_per_s}, {@code ratio_vs_raw}: every row generates {@code bench.new_tokens}
 *       (min_new_tokens keeps eos away), the stage against the loop with the cache;
 *   <li>{@code cached_vs_uncached}: 64 new tokens, the loop recomputing the whole sequence at every
 *       step against the stage;
 *   <li>{@code continuous_vs_static}: each row's max_new_tokens from a column, spread over 8..128,
 *       the stage with continuousBatching false against true;
 *   <li>{@code continuous_profile}, {@code static_profile}: the first partition's varied prompts
 *       decoded once more each way on one thread without Spark ({@link DecodingProfile}): steps, mean
 *       rows per step, time per step, the steps after the last input started, prefill runs, cache
 *       copies and their time, the searches' time;
 *   <li>{@code steps_ratio}: the profiles' static steps / continuous steps, what continuous batching
 *       gains where a step costs the same whatever its rows; {@code step_ms_fit}, {@code cpu_ceiling}:
 *       a step's time fitted as fixed + per row x rows to both profiles, and the ratio of the two
 *       profiles' steps priced so ({@code cpu_ceiling_full_steps}: continuous with every step full);
 *   <li>{@code seq2seq_tokens_per_s}, {@code seq2seq_ratio_vs_raw}: summaries of two-sentence texts,
 *       {@code bench.new_tokens} each, the stage against the loop with the cache.
 * </ul>
 * {@code peak_rss_mb} is the JVM's VmHWM after all runs (model, Spark and loops together). System
 * properties: bench.model (gpt2-small, or tiny: both models tiny), bench.rows (32), bench.batch (8),
 * bench.new_tokens (32), bench.uncached_rows (8), bench.varied_rows (48), bench.rounds (2), bench.parts
 * (fixed,uncached,varied,seq2seq: the measurements to take), bench.device (the stages' device, auto:
 * cuda for a GPU build on a GPU machine; the plain loops and the profiles stay on the CPU). Prints one
 * JSON line last.
 */
public final class GenerationBench {
  private static final int THREADS = 2;
  private static final int UNCACHED_NEW_TOKENS = 64;
  private static final int SHORTEST = 8;
  private static final int LONGEST = 128;
  /** The fixture's eos, which GPT-2 pads with. */
  private static final long PAD = 556;
  /** The BART fixture's pad_token_id and decoder_start_token_id. */
  private static final long BART_PAD = 1;
  private static final long BART_DECODER_START = 2;

  private GenerationBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].equals("generation")) throw new IllegalArgumentException("usage: GenerationBench generation");
    String modelName = System.getProperty("bench.model", "gpt2-small");
    boolean tiny = switch (modelName) {
      case "gpt2-small" -> false;
      case "tiny" -> true;
      default -> throw new IllegalArgumentException("bench.model: gpt2-small or tiny, not " + modelName);
    };
    SyntheticGpt2.Size size = tiny ? SyntheticGpt2.Size.TINY : SyntheticGpt2.Size.SMALL;
    SyntheticBart.Size bartSize = tiny ? SyntheticBart.Size.TINY : SyntheticBart.Size.BASE;
    int rows = Integer.getInteger("bench.rows", 32);
    int batch = Integer.getInteger("bench.batch", 8);
    int newTokens = Integer.getInteger("bench.new_tokens", 32);
    int uncachedRows = Integer.getInteger("bench.uncached_rows", 8);
    int variedRows = Integer.getInteger("bench.varied_rows", 48);
    int rounds = Integer.getInteger("bench.rounds", 2);
    Set<String> parts = Set.of(System.getProperty("bench.parts", "fixed,uncached,varied,seq2seq").split(","));
    Path model = SyntheticGpt2.write(Paths.get("target", "bench-models", "synthetic-" + modelName), size);

    List<String> prompts = prompts(Math.max(rows, Math.max(uncachedRows, variedRows)));
    SparkSession spark = TextBench.localSpark();
    double stage = 0;
    double raw = 0;
    double stage64 = 0;
    double uncached = 0;
    double continuous = 0;
    double staticBatches = 0;
    List<Double> variedRatios = new ArrayList<>();
    double seq2seqStage = 0;
    double seq2seqRaw = 0;
    try (RawGreedyLoop loop = new RawGreedyLoop(model, PAD)) {
      List<long[]> ids = new ArrayList<>();
      for (String p : prompts) ids.add(loop.ids(p));
      // warm-up, small: model loads, first-run allocations and the JIT, outside the timings
      stageSeconds(spark, gpt2(model), prompts.subList(0, batch), null, 2, batch, true);
      loop.seconds(THREADS, ids.subList(0, batch), batch, 2, true);
      loop.seconds(THREADS, ids.subList(0, batch), batch, 2, false);
      List<Integer> lengths = variedLengths(variedRows);
      for (int r = 0; r < rounds; r++) {
        if (parts.contains("fixed")) {
          stage += stageSeconds(spark, gpt2(model), prompts.subList(0, rows), null, newTokens, batch, true);
          raw += loop.seconds(THREADS, ids.subList(0, rows), batch, newTokens, true);
        }
        if (parts.contains("uncached")) {
          stage64 += stageSeconds(spark, gpt2(model), prompts.subList(0, uncachedRows), null, UNCACHED_NEW_TOKENS, batch, true);
          uncached += loop.seconds(THREADS, ids.subList(0, uncachedRows), batch, UNCACHED_NEW_TOKENS, false);
        }
        if (parts.contains("varied")) {
          // each goes first in every other round, so neither always meets a fresher machine
          boolean continuousFirst = r % 2 == 0;
          double first = stageSeconds(spark, gpt2(model), prompts.subList(0, variedRows), lengths, LONGEST, batch,
              continuousFirst);
          double second = stageSeconds(spark, gpt2(model), prompts.subList(0, variedRows), lengths, LONGEST, batch,
              !continuousFirst);
          double c = continuousFirst ? first : second;
          double s = continuousFirst ? second : first;
          continuous += c;
          staticBatches += s;
          variedRatios.add(Bench.round(s / c));
        }
      }
    }
    if (parts.contains("seq2seq")) {
      Path bart = SyntheticBart.write(Paths.get("target", "bench-models", tiny ? "synthetic-bart-tiny" : "synthetic-bart-base"),
          bartSize);
      List<String> sources = sources(rows);
      try (RawSeq2SeqLoop loop = new RawSeq2SeqLoop(bart, BART_PAD, BART_DECODER_START)) {
        List<long[]> ids = new ArrayList<>();
        for (String source : sources) ids.add(loop.ids(source));
        stageSeconds(spark, new Summarizer().setModelPath(bart.toString()), sources.subList(0, batch), null, 2, batch, true);
        loop.seconds(THREADS, ids.subList(0, batch), batch, 2);
        for (int r = 0; r < rounds; r++) {
          seq2seqStage += stageSeconds(spark, new Summarizer().setModelPath(bart.toString()), sources, null, newTokens,
              batch, true);
          seq2seqRaw += loop.seconds(THREADS, ids, batch, newTokens);
        }
      }
    }
    spark.stop();

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("task", "text-generation");
    result.put("model", "synthetic " + modelName + " (" + size + ", fixture merges), decoder_model_merged.onnx");
    result.put("decoding", "greedy");
    result.put("partitions", THREADS);
    result.put("batch", batch);
    result.put("onnxruntime", ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
    if (parts.contains("fixed")) {
      result.put("rows", rows);
      result.put("new_tokens", newTokens);
      result.put("tokens_per_s", Bench.round((double) rows * newTokens * rounds / stage));
      result.put("raw_tokens_per_s", Bench.round((double) rows * newTokens * rounds / raw));
      result.put("ratio_vs_raw", Bench.round(raw / stage));
    }
    if (parts.contains("uncached")) {
      result.put("uncached_rows", uncachedRows);
      result.put("cached_vs_uncached", Bench.round(uncached / stage64));
    }
    if (parts.contains("varied")) {
      result.put("varied_rows", variedRows);
      result.put("varied_new_tokens", SHORTEST + "-" + LONGEST);
      result.put("continuous_vs_static", Bench.round(staticBatches / continuous));
      result.put("continuous_vs_static_by_round", variedRatios);
      result.put("continuous_tokens_per_s", Bench.round(lengths(variedRows) * (double) rounds / continuous));
      // one partition's share once more each way, on this thread, to show where the time goes
      ModelSpec.Model opened = Fixtures.open(model);
      List<Integer> firstHalf = variedLengths(variedRows).subList(0, variedRows / THREADS);
      List<String> firstPrompts = prompts.subList(0, firstHalf.size());
      // the profile's session is its own: its first runs, outside the figures
      DecodingProfile.greedy(opened, firstPrompts.subList(0, batch), Collections.nCopies(batch, SHORTEST), batch, true);
      DecodingProfile.Figures continuousProfile = DecodingProfile.greedy(opened, firstPrompts, firstHalf, batch, true);
      DecodingProfile.Figures staticProfile = DecodingProfile.greedy(opened, firstPrompts, firstHalf, batch, false);
      result.put("continuous_profile", profile(continuousProfile));
      result.put("static_profile", profile(staticProfile));
      result.put("steps_ratio", Bench.round((double) staticProfile.steps() / continuousProfile.steps()));
      StepCost cost = StepCost.fit(List.of(continuousProfile, staticProfile));
      Map<String, Object> fit = new LinkedHashMap<>();
      fit.put("fixed", Bench.round(cost.fixedMs()));
      fit.put("per_row", Bench.round(cost.perRowMs()));
      result.put("step_ms_fit", fit);
      double staticMs = cost.ms(staticProfile.steps(), staticProfile.rowSteps());
      result.put("cpu_ceiling", Bench.round(staticMs / cost.ms(continuousProfile.steps(), continuousProfile.rowSteps())));
      long fullSteps = (continuousProfile.rowSteps() + batch - 1) / batch;
      result.put("cpu_ceiling_full_steps", Bench.round(staticMs / cost.ms(fullSteps, continuousProfile.rowSteps())));
    }
    if (parts.contains("seq2seq")) {
      result.put("seq2seq_task", "summarization");
      result.put("seq2seq_model", "synthetic bart (" + bartSize + ", fixture vocabulary), encoder_model.onnx + decoder_model_merged.onnx");
      result.put("seq2seq_rows", rows);
      result.put("seq2seq_tokens_per_s", Bench.round((double) rows * newTokens * rounds / seq2seqStage));
      result.put("seq2seq_raw_tokens_per_s", Bench.round((double) rows * newTokens * rounds / seq2seqRaw));
      result.put("seq2seq_ratio_vs_raw", Bench.round(seq2seqRaw / seq2seqStage));
    }
    result.put("rounds", rounds);
    result.put("peak_rss_mb", peakRssMb());
    System.out.println(new ObjectMapper().writeValueAsString(result));
  }

  private static TextGenerator gpt2(Path model) {
    return new TextGenerator().setModelPath(model.toString());
  }

  /** Short prompts of 3 to 8 benchmark words. */
  private static List<String> prompts(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] words = Sentences.sentence(i).replace(".", "").split(" ");
      out.add(String.join(" ", java.util.Arrays.copyOf(words, Math.min(words.length, 3 + i % 6))));
    }
    return out;
  }

  /** Texts to summarize: two benchmark sentences each. */
  private static List<String> sources(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(Sentences.sentence(2L * i) + " " + Sentences.sentence(2L * i + 1));
    return out;
  }

  /** Output lengths spread evenly over 8..128 in a shuffled order, the same every run. */
  private static List<Integer> variedLengths(int n) {
    List<Integer> lengths = new ArrayList<>();
    for (int i = 0; i < n; i++) lengths.add(SHORTEST + (int) ((long) i * 37 % n * (LONGEST - SHORTEST) / Math.max(1, n - 1)));
    return lengths;
  }

  private static long lengths(int variedRows) {
    return variedLengths(variedRows).stream().mapToLong(i -> i).sum();
  }

  /** Seconds the stage takes; {@code maxNewTokens} per row from a column when given, else {@code newTokens} each. */
  private static double stageSeconds(SparkSession spark, GenerationStage<?> stage, List<String> prompts,
      List<Integer> maxNewTokens, int newTokens, int batch, boolean continuous) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      rows.add(RowFactory.create(prompts.get(i), maxNewTokens == null ? newTokens : maxNewTokens.get(i)));
    }
    StructType schema = new StructType().add("text", DataTypes.StringType).add("max_new", DataTypes.IntegerType);
    Dataset<Row> frame = spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(rows, THREADS), schema);
    GenerationStage<?> configured = stage.setOutputCol("generated").setBatchSize(batch).setMaxNewTokens(newTokens)
        .setMinNewTokens(newTokens).setMaxNewTokensCol("max_new").setContinuousBatching(continuous)
        .setDevice(System.getProperty("bench.device", "auto"));
    long started = System.nanoTime();
    configured.transform(frame).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  private static Map<String, Object> profile(DecodingProfile.Figures f) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("seconds", Bench.round(f.seconds()));
    out.put("steps", f.steps());
    out.put("rows_per_step", Bench.round(f.rowsPerStep()));
    out.put("ms_per_step", Bench.round(f.msPerStep()));
    Map<String, Object> byRows = new LinkedHashMap<>();
    f.msPerStepByRows().forEach((rows, ms) -> byRows.put(String.valueOf(rows), Bench.round(ms)));
    out.put("ms_per_step_by_rows", byRows);
    out.put("drain_steps", f.drainSteps());
    out.put("drain_rows_per_step", Bench.round(f.drainRowsPerStep()));
    out.put("prefills", f.prefills());
    out.put("prefill_s", Bench.round(f.prefillSeconds()));
    out.put("copies", f.copies());
    out.put("copy_s", Bench.round(f.copySeconds()));
    out.put("search_s", Bench.round(f.searchSeconds()));
    return out;
  }

  /**
   * A decode step's time as a fixed part and a part per row, fitted (least squares over every step)
   * to the profiles' mean times by rows: on a CPU a step reads every weight whatever its rows, and
   * each row adds its arithmetic.
   */
  record StepCost(double fixedMs, double perRowMs) {
    static StepCost fit(List<DecodingProfile.Figures> profiles) {
      double n = 0;
      double x = 0;
      double y = 0;
      double xx = 0;
      double xy = 0;
      for (DecodingProfile.Figures f : profiles) {
        for (Map.Entry<Integer, Long> e : f.stepsByRows().entrySet()) {
          double steps = e.getValue();
          double rows = e.getKey();
          double ms = f.msPerStepByRows().get(e.getKey());
          n += steps;
          x += steps * rows;
          y += steps * ms;
          xx += steps * rows * rows;
          xy += steps * rows * ms;
        }
      }
      double perRow = (n * xy - x * y) / (n * xx - x * x);
      return new StepCost((y - perRow * x) / n, perRow);
    }

    /** Milliseconds of {@code steps} decode steps over {@code rowSteps} rows in all. */
    double ms(long steps, long rowSteps) {
      return steps * fixedMs + rowSteps * perRowMs;
    }
  }

  private static long peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
    }
    return -1;
  }
}
