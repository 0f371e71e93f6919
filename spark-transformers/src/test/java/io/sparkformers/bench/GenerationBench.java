package io.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.ml.TextGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bash jobs/bench.sh generation}: the TextGenerator stage (greedy) over {@link SyntheticGpt2}
 * on local[2], written to the noop sink, measured side by side with plain ONNX Runtime loops
 * ({@link RawGreedyLoop}) on 2 threads over the same prompts, halves and batches, alternating
 * round by round so a slow spell on a shared machine hits all of them (after a small warm-up of each):
 * <ul>
 *   <li>{@code tokens_per_s}, {@code ratio_vs_raw}: every row generates {@code bench.new_tokens}
 *       (min_new_tokens keeps eos away), the stage against the loop with the cache;
 *   <li>{@code cached_vs_uncached}: 64 new tokens, the loop recomputing the whole sequence at every
 *       step against the stage;
 *   <li>{@code continuous_vs_static}: each row's max_new_tokens from a column, spread over 8..128,
 *       the stage with continuousBatching false against true.
 * </ul>
 * {@code peak_rss_mb} is the JVM's VmHWM after all runs (model, Spark and loops together). System
 * properties: bench.model (gpt2-small, or tiny), bench.rows (32), bench.batch (8), bench.new_tokens
 * (32), bench.uncached_rows (8), bench.varied_rows (48), bench.rounds (2). Prints one JSON line last.
 */
public final class GenerationBench {
  private static final int THREADS = 2;
  private static final int UNCACHED_NEW_TOKENS = 64;
  private static final int SHORTEST = 8;
  private static final int LONGEST = 128;
  /** The fixture's eos, which GPT-2 pads with. */
  private static final long PAD = 556;

  private GenerationBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].equals("generation")) throw new IllegalArgumentException("usage: GenerationBench generation");
    String modelName = System.getProperty("bench.model", "gpt2-small");
    SyntheticGpt2.Size size = switch (modelName) {
      case "gpt2-small" -> SyntheticGpt2.Size.SMALL;
      case "tiny" -> SyntheticGpt2.Size.TINY;
      default -> throw new IllegalArgumentException("bench.model: gpt2-small or tiny, not " + modelName);
    };
    int rows = Integer.getInteger("bench.rows", 32);
    int batch = Integer.getInteger("bench.batch", 8);
    int newTokens = Integer.getInteger("bench.new_tokens", 32);
    int uncachedRows = Integer.getInteger("bench.uncached_rows", 8);
    int variedRows = Integer.getInteger("bench.varied_rows", 48);
    int rounds = Integer.getInteger("bench.rounds", 2);
    Path model = SyntheticGpt2.write(Paths.get("target", "bench-models", "synthetic-" + modelName), size);

    List<String> prompts = prompts(Math.max(rows, Math.max(uncachedRows, variedRows)));
    SparkSession spark = TextBench.localSpark();
    double stage = 0;
    double raw = 0;
    double stage64 = 0;
    double uncached = 0;
    double continuous = 0;
    double staticBatches = 0;
    try (RawGreedyLoop loop = new RawGreedyLoop(model, PAD)) {
      List<long[]> ids = new ArrayList<>();
      for (String p : prompts) ids.add(loop.ids(p));
      // warm-up, small: model loads, first-run allocations and the JIT, outside the timings
      stageSeconds(spark, model, prompts.subList(0, batch), null, 2, batch, true);
      loop.seconds(THREADS, ids.subList(0, batch), batch, 2, true);
      loop.seconds(THREADS, ids.subList(0, batch), batch, 2, false);
      List<Integer> lengths = variedLengths(variedRows);
      for (int r = 0; r < rounds; r++) {
        stage += stageSeconds(spark, model, prompts.subList(0, rows), null, newTokens, batch, true);
        raw += loop.seconds(THREADS, ids.subList(0, rows), batch, newTokens, true);
        stage64 += stageSeconds(spark, model, prompts.subList(0, uncachedRows), null, UNCACHED_NEW_TOKENS, batch, true);
        uncached += loop.seconds(THREADS, ids.subList(0, uncachedRows), batch, UNCACHED_NEW_TOKENS, false);
        continuous += stageSeconds(spark, model, prompts.subList(0, variedRows), lengths, LONGEST, batch, true);
        staticBatches += stageSeconds(spark, model, prompts.subList(0, variedRows), lengths, LONGEST, batch, false);
      }
    }
    spark.stop();

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("task", "text-generation");
    result.put("model", "synthetic " + modelName + " (" + size + ", fixture vocabulary)");
    result.put("decoding", "greedy");
    result.put("partitions", THREADS);
    result.put("batch", batch);
    result.put("rows", rows);
    result.put("new_tokens", newTokens);
    result.put("onnxruntime", ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
    result.put("tokens_per_s", Bench.round((double) rows * newTokens * rounds / stage));
    result.put("raw_tokens_per_s", Bench.round((double) rows * newTokens * rounds / raw));
    result.put("ratio_vs_raw", Bench.round(raw / stage));
    result.put("uncached_rows", uncachedRows);
    result.put("cached_vs_uncached", Bench.round(uncached / stage64));
    result.put("varied_rows", variedRows);
    result.put("varied_new_tokens", SHORTEST + "-" + LONGEST);
    result.put("continuous_vs_static", Bench.round(staticBatches / continuous));
    result.put("continuous_tokens_per_s", Bench.round(lengths(variedRows) * (double) rounds / continuous));
    result.put("rounds", rounds);
    result.put("peak_rss_mb", peakRssMb());
    System.out.println(new ObjectMapper().writeValueAsString(result));
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
  private static double stageSeconds(SparkSession spark, Path model, List<String> prompts, List<Integer> maxNewTokens,
      int newTokens, int batch, boolean continuous) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      rows.add(RowFactory.create(prompts.get(i), maxNewTokens == null ? newTokens : maxNewTokens.get(i)));
    }
    StructType schema = new StructType().add("text", DataTypes.StringType).add("max_new", DataTypes.IntegerType);
    Dataset<Row> frame = spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(rows, THREADS), schema);
    TextGenerator stage = new TextGenerator().setModelPath(model.toString()).setOutputCol("generated")
        .setBatchSize(batch).setMaxNewTokens(newTokens).setMinNewTokens(newTokens).setMaxNewTokensCol("max_new")
        .setContinuousBatching(continuous);
    long started = System.nanoTime();
    stage.transform(frame).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  private static long peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
    }
    return -1;
  }
}
