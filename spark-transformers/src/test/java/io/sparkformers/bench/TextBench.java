package io.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.runtime.LengthBucketBatcher;
import io.sparkformers.inference.runtime.ModelCache;
import io.sparkformers.ml.FeatureExtractor;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.Vectors;
import java.io.BufferedWriter;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bash jobs/bench.sh text}: all-MiniLM-L6-v2 sentence embeddings (FeatureExtractor, mean
 * pooling, normalized, batch 32) over skewed generated sentences on local[2] with 2 partitions,
 * against a plain ONNX Runtime loop doing the same work. Prints one JSON line last.
 *
 * <p>Raw and stage alternate over the same chunks of rows (bench.chunks, 4 of 5,000 by default), so a
 * slow minute on a shared machine hits both; each figure is its total rows over its total time.
 * Arrival order is measured on the first bench.arrivalRows rows (2,000: padded batches are slow)
 * right after length-sorted batching on the same rows. Heap: see {@link #liveHeap}.
 *
 * <p>Peer: when bench.sh finds a DJL Spark jar, DJL's TextEmbedder ({@link DjlPeer}, its own Spark
 * 3.5 JVM) takes a turn after ours in every chunk, on the first bench.djlRows / chunks rows of it,
 * and its embeddings of the first {@link #DJL_SAMPLE} rows are compared with ours; without the jar
 * the JSON says "djl": "not available ...".
 *
 * <p>int8: the stage with dtype=q8 (model_quantized.onnx) takes a turn after the fp32 stage in every
 * chunk; q8_min_cosine compares both stages' embeddings of the first {@link #DJL_SAMPLE} rows.
 *
 * <p>Native memory: the heap child JVMs also report their RSS ({@link Rss}) at the end, for
 * rss_ratio_10x. bench.soak=N then runs N more batches of 32 through the stage (after everything
 * else, in this JVM), printing RSS every bench.soakEvery (1000) batches to stdout and the series in
 * the JSON (soak_rss_mb).
 *
 * <p>Job scaling: bench.sh compiles the jobs module and passes its class path (bench.job.classpath);
 * the job then embeds bench.jobRows rows of one JSON-lines file (one partition as Spark reads it) in
 * fresh JVMs with --master local[1] and local[2], taking turns for bench.jobRounds rounds (3);
 * job_scaling_2_cores is the median of the rounds' ratios of their rows/s. bench.jobJvm adds JVM
 * options to the job JVMs only (space-separated, e.g. -XX:TieredStopAtLevel=1).
 * Its ceiling on the machine, raw_scaling_2_threads, is the raw loop's rows/s on two threads over
 * one, on the first bench.scalingRows rows (4000; 0 skips it): what two cores give ONNX Runtime alone.
 *
 * <p>System properties: bench.rows (20000), bench.chunks (4), bench.arrivalRows (2000),
 * bench.heapRows (2000: the 1x of heap_ratio_10x; 1x and 10x each run in a fresh JVM), bench.djl
 * (true), bench.djlRows (4000), bench.q8 (true), bench.jobRows (10000), bench.jobRounds (3), bench.scalingRows (4000), bench.soak (0),
 * bench.soakEvery (1000). 0 skips the arrival-order, heap or job measurement, bench.djl=false the
 * peer, bench.q8=false the int8 turns (the ONNX Runtime version sweep needs none of them).
 */
public final class TextBench {
  static final int BATCH = 32;
  static final int PARTITIONS = 2;
  /** all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json). */
  static final int MAX_LENGTH = 256;
  /** Rows whose embeddings are compared with DJL's: enough to include long, truncated sentences (5%). */
  static final long DJL_SAMPLE = 256;

  private TextBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("heap")) {
      System.out.println(liveHeapAndRss(Long.parseLong(args[1])));
      return;
    }
    if (args.length != 1 || !args[0].equals("text")) {
      throw new IllegalArgumentException("usage: TextBench text | TextBench heap ROWS");
    }
    long rows = Long.getLong("bench.rows", 20_000);
    int chunks = Integer.getInteger("bench.chunks", 4);
    long arrivalRows = Long.getLong("bench.arrivalRows", 2_000);
    long heapRows = Long.getLong("bench.heapRows", 2_000);
    boolean djl = Boolean.parseBoolean(System.getProperty("bench.djl", "true"));
    long djlRows = Long.getLong("bench.djlRows", 4_000);
    boolean q8 = Boolean.parseBoolean(System.getProperty("bench.q8", "true"));
    long jobRows = Long.getLong("bench.jobRows", 10_000);
    int jobRounds = Integer.getInteger("bench.jobRounds", 3);
    long scalingRows = Long.getLong("bench.scalingRows", 4_000);
    long soakBatches = Long.getLong("bench.soak", 0);
    long soakEvery = Long.getLong("bench.soakEvery", 1_000);
    int window = LengthBucketBatcher.Settings.windowFor(BATCH);

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("task", "feature-extraction");
    result.put("model", "all-MiniLM-L6-v2");
    result.put("rows", rows);
    result.put("onnxruntime", ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());

    if (heapRows > 0) {
      // first, in fresh JVMs, so they do not share the machine with the throughput runs
      String[] heap1x = ChildJvm.run(TextBench.class, "heap", Long.toString(heapRows)).split(" ");
      String[] heap10x = ChildJvm.run(TextBench.class, "heap", Long.toString(heapRows * 10)).split(" ");
      double peak1x = Double.parseDouble(heap1x[0]);
      double peak10x = Double.parseDouble(heap10x[0]);
      double median1x = Double.parseDouble(heap1x[1]);
      double median10x = Double.parseDouble(heap10x[1]);
      result.put("heap_rows_1x", heapRows);
      result.put("peak_live_heap_mb_1x", Bench.round(peak1x / 1e6));
      result.put("peak_live_heap_mb_10x", Bench.round(peak10x / 1e6));
      result.put("heap_ratio_10x", Bench.round(peak10x / peak1x));
      result.put("median_live_heap_mb_1x", Bench.round(median1x / 1e6));
      result.put("median_live_heap_mb_10x", Bench.round(median10x / 1e6));
      result.put("median_heap_ratio_10x", Bench.round(median10x / median1x));
      double rss1x = Double.parseDouble(heap1x[2]);
      double rss10x = Double.parseDouble(heap10x[2]);
      result.put("rss_mb_1x", Bench.round(rss1x / 1e6));
      result.put("rss_mb_10x", Bench.round(rss10x / 1e6));
      result.put("rss_ratio_10x", Bench.round(rss10x / rss1x));
    }
    if (jobRows > 0) jobScaling(jobRows, jobRounds, result);

    Path model = Fixtures.miniLm();
    SparkSession spark = localSpark();
    double stageSeconds = 0;
    double rawSeconds = 0;
    double djlSeconds = 0;
    double q8Seconds = 0;
    long djlRowsDone = 0;
    Optional<String> djlUnavailable = djl ? DjlPeer.unavailable() : Optional.of("skipped (bench.djl=false)");
    try (RawOrtLoop loop = new RawOrtLoop(model, MAX_LENGTH);
        DjlPeer peer = djlUnavailable.isEmpty() ? DjlPeer.start(model, rows, PARTITIONS, BATCH) : null) {
      // warm-up: model load, JIT, ORT's first-run allocations, for each
      stageSeconds(spark, model, 0, 1_000, true);
      if (q8) stageSeconds(spark, model, 0, 1_000, true, "q8");
      loop.seconds(0, 1_000, PARTITIONS, BATCH, window);
      if (peer != null) peer.seconds(0, Math.min(1_000, rows));
      for (int c = 0; c < chunks; c++) {
        long from = rows * c / chunks;
        long to = rows * (c + 1) / chunks;
        rawSeconds += loop.seconds(from, to, PARTITIONS, BATCH, window);
        stageSeconds += stageSeconds(spark, model, from, to, true);
        if (q8) q8Seconds += stageSeconds(spark, model, from, to, true, "q8");
        if (peer != null) {
          // DJL is several times slower: it embeds the first djlRows/chunks rows of each chunk
          long djlTo = Math.min(to, from + djlRows / chunks);
          djlSeconds += peer.seconds(from, djlTo);
          djlRowsDone += djlTo - from;
        }
      }
      if (scalingRows > 0) {
        // the ceiling of job_scaling_2_cores on this machine: ONNX Runtime alone, one thread vs two
        long to = Math.min(scalingRows, rows);
        double oneThread = loop.seconds(0, to, 1, BATCH, window);
        double twoThreads = loop.seconds(0, to, 2, BATCH, window);
        result.put("raw_scaling_rows", to);
        result.put("raw_scaling_2_threads", Bench.round(oneThread / twoThreads));
      }
      if (peer != null) {
        long sample = Math.min(DJL_SAMPLE, rows);
        result.put("djl_sample_rows", sample);
        float[][] theirs = peer.embeddings(0, sample);
        result.put("djl_min_cosine", minCosine(embeddings(spark, model, sample, "fp32"), theirs));
        result.put("djl_max_norm_deviation", maxNormDeviation(theirs));
      }
    }
    result.put("stage_rows_per_s", Bench.round(rows / stageSeconds));
    result.put("raw_ort_rows_per_s", Bench.round(rows / rawSeconds));
    result.put("ratio_vs_raw", Bench.round(rawSeconds / stageSeconds));
    if (q8) {
      long sample = Math.min(DJL_SAMPLE, rows);
      result.put("q8_rows_per_s", Bench.round(rows / q8Seconds));
      result.put("q8_vs_fp32", Bench.round(stageSeconds / q8Seconds));
      result.put("q8_cosine_rows", sample);
      result.put("q8_min_cosine", minCosine(embeddings(spark, model, sample, "q8"), embeddings(spark, model, sample, "fp32")));
    }
    if (djlUnavailable.isEmpty()) {
      result.put("djl_rows", djlRowsDone);
      result.put("djl_rows_per_s", Bench.round(djlRowsDone / djlSeconds));
      result.put("ratio_vs_djl", Bench.round((rows / stageSeconds) / (djlRowsDone / djlSeconds)));
    } else {
      result.put("djl", djlUnavailable.get());
    }
    if (arrivalRows > 0) {
      double sortedSeconds = stageSeconds(spark, model, 0, arrivalRows, true);
      double arrivalSeconds = stageSeconds(spark, model, 0, arrivalRows, false);
      result.put("arrival_rows", arrivalRows);
      result.put("arrival_order_rows_per_s", Bench.round(arrivalRows / arrivalSeconds));
      result.put("sorted_vs_arrival", Bench.round(arrivalSeconds / sortedSeconds));
    }
    result.put("model_loads", sessionLoadsOnExecutors(spark));
    if (soakBatches > 0) soak(spark, model, soakBatches, soakEvery, result);
    spark.stop();
    System.out.println(new ObjectMapper().writeValueAsString(result));
  }

  static SparkSession localSpark() {
    SparkSession spark = SparkSession.builder().master("local[" + PARTITIONS + "]").appName("bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** Seconds the FeatureExtractor stage takes over rows [from, to), written to the noop sink so every embedding is computed. */
  static double stageSeconds(SparkSession spark, Path model, long from, long to, boolean sortByLength) {
    return stageSeconds(spark, model, from, to, sortByLength, "fp32");
  }

  static double stageSeconds(SparkSession spark, Path model, long from, long to, boolean sortByLength, String dtype) {
    FeatureExtractor stage = new FeatureExtractor().setModelPath(model.toString())
        .setInputCol("text").setOutputCol("embedding").setPooling("mean").setNormalize(true)
        .setBatchSize(BATCH).setSortByLength(sortByLength).setDtype(dtype);
    long started = System.nanoTime();
    stage.transform(sentences(spark, from, to)).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  /** The stage's embeddings of sentences [0, rows), in order. */
  static float[][] embeddings(SparkSession spark, Path model, long rows, String dtype) {
    FeatureExtractor stage = new FeatureExtractor().setModelPath(model.toString())
        .setInputCol("text").setOutputCol("embedding").setPooling("mean").setNormalize(true)
        .setBatchSize(BATCH).setDtype(dtype);
    return stage.transform(sentences(spark, 0, rows)).select("embedding").collectAsList().stream()
        .map(row -> Vectors.floats(row.getList(0))).toArray(float[][]::new);
  }

  /** The lowest cosine similarity between row i of ours and row i of theirs. */
  static double minCosine(float[][] ours, float[][] theirs) {
    if (ours.length != theirs.length) throw new IllegalStateException(ours.length + " rows vs " + theirs.length);
    double min = 1;
    for (int r = 0; r < ours.length; r++) min = Math.min(min, Vectors.cosine(ours[r], theirs[r]));
    return Double.parseDouble(String.format(Locale.ROOT, "%.6f", min));
  }

  /** The largest |L2 norm - 1| over the rows: whether the embeddings are normalized. */
  static double maxNormDeviation(float[][] vectors) {
    double max = 0;
    for (float[] v : vectors) {
      double squares = 0;
      for (float x : v) squares += (double) x * x;
      max = Math.max(max, Math.abs(Math.sqrt(squares) - 1));
    }
    return Double.parseDouble(String.format(Locale.ROOT, "%.6f", max));
  }

  /** Generated on the executors: the driver holds no rows, so heap reflects the stage alone. */
  static Dataset<Row> sentences(SparkSession spark, long from, long to) {
    return spark.range(from, to, 1, PARTITIONS)
        .map((MapFunction<Long, String>) Sentences::sentence, Encoders.STRING()).toDF("text");
  }

  /** Session loads summed over the executor JVMs (with local[N], the driver's own JVM). */
  static long sessionLoadsOnExecutors(SparkSession spark) {
    List<String> perJvm = spark.range(0, PARTITIONS * 4L, 1, PARTITIONS * 4)
        .mapPartitions((MapPartitionsFunction<Long, String>) ignored ->
            List.of(SparkEnv.get().executorId() + "=" + ModelCache.loads("session")).iterator(), Encoders.STRING())
        .distinct().collectAsList();
    return perJvm.stream().mapToLong(s -> Long.parseLong(s.substring(s.indexOf('=') + 1))).sum();
  }

  /**
   * The child JVM's part of heap_ratio_10x and rss_ratio_10x: peak and median live heap (see
   * {@link LiveHeap}) while the stage embeds {@code rows} rows in a fresh local[2] JVM, after Spark
   * and the model are loaded, then the process's RSS. "peak median rss", in bytes.
   */
  private static String liveHeapAndRss(long rows) {
    Path model = Fixtures.miniLm();
    SparkSession spark = localSpark();
    stageSeconds(spark, model, 0, 200, true); // Spark and the model are loaded before measuring
    try (LiveHeap heap = LiveHeap.start()) {
      stageSeconds(spark, model, 0, rows, true);
      String live = heap.peakBytes() + " " + heap.medianBytes();
      return live + " " + Math.round(Rss.settledMb() * 1e6);
    } finally {
      spark.stop();
    }
  }

  /**
   * {@code batches} more batches of 32 through the stage, {@code every} at a time over fresh rows,
   * RSS after each stretch: native memory that grows with runs (a leak in session.run) shows here.
   * Beside it the heap after a full collection, used and committed: RSS holds the committed heap,
   * so what RSS gains beyond the committed heap is native.
   */
  private static void soak(SparkSession spark, Path model, long batches, long every, Map<String, Object> result) {
    List<Double> rss = new ArrayList<>();
    List<Double> heapUsed = new ArrayList<>();
    List<Double> heapCommitted = new ArrayList<>();
    Runnable measure = () -> {
      rss.add(Rss.settledMb());
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      heapUsed.add(Bench.round(heap.getUsed() / 1e6));
      heapCommitted.add(Bench.round(heap.getCommitted() / 1e6));
    };
    measure.run();
    System.out.println("soak: 0 batches, rss " + rss.get(0) + " MB, heap used " + heapUsed.get(0) + " MB of "
        + heapCommitted.get(0) + " MB committed");
    long started = System.nanoTime();
    for (long done = 0; done < batches; done += every) {
      long n = Math.min(every, batches - done);
      long from = (done + 1_000) * BATCH; // rows the runs before did not see
      stageSeconds(spark, model, from, from + n * BATCH, true);
      measure.run();
      int last = rss.size() - 1;
      System.out.println("soak: " + (done + n) + " batches, rss " + rss.get(last) + " MB, heap used "
          + heapUsed.get(last) + " MB of " + heapCommitted.get(last) + " MB committed");
    }
    result.put("soak_batches", batches);
    result.put("soak_every", every);
    result.put("soak_rss_mb", rss);
    result.put("soak_heap_used_mb", heapUsed);
    result.put("soak_heap_committed_mb", heapCommitted);
    result.put("soak_rows_per_s", Bench.round(batches * BATCH / ((System.nanoTime() - started) / 1e9)));
    // after the first stretch: ONNX Runtime's arena and Spark's first allocations settle there
    result.put("soak_rss_growth_after_first", rss.size() > 2 ? Bench.round(rss.get(rss.size() - 1) / rss.get(1)) : 1.0);
  }

  /**
   * The job on one JSON-lines file of {@code rows} sentences, in fresh JVMs with local[1] and
   * local[2] taking turns for {@code rounds} rounds: Spark reads the file as one partition, the job
   * spreads it over the task slots. The figure is the median of the rounds' ratios, since a slow
   * spell of this shared VM moves one run by more than the effect measured.
   */
  private static void jobScaling(long rows, int rounds, Map<String, Object> result) throws Exception {
    String jobClassPath = System.getProperty("bench.job.classpath");
    if (jobClassPath == null) {
      result.put("job", "not available: run through bench.sh, which compiles the jobs module");
      return;
    }
    Path dir = Paths.get("target", "bench-job").toAbsolutePath();
    Files.createDirectories(dir);
    Path input = dir.resolve("sentences.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(input)) {
      ObjectMapper json = new ObjectMapper();
      for (long i = 0; i < rows; i++) {
        out.write(json.writeValueAsString(Map.of("id", i, "text", Sentences.sentence(i))));
        out.newLine();
      }
    }
    String classPath = jobClassPath + File.pathSeparator + System.getProperty("java.class.path");
    List<String> jobJvmOptions = List.of(System.getProperty("bench.jobJvm", "").split(" +")).stream()
        .filter(o -> !o.isEmpty()).toList();
    List<Double> one = new ArrayList<>();
    List<Double> two = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    Map<Integer, Integer> partitions = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (int cores : new int[] {1, 2}) {
        String line = ChildJvm.run(jobJvmOptions, classPath, "io.sparkformers.jobs.BatchInferenceJob", "--task", "feature-extraction",
            "--model", Fixtures.miniLm().toString(), "--input", input.toString(), "--input-format", "jsonl",
            "--output", dir.resolve("out").toString(), "--overwrite", "--master", "local[" + cores + "]",
            "--option", "pooling=mean", "--option", "normalize=true");
        Map<String, String> summary = new LinkedHashMap<>();
        for (String pair : line.substring(line.indexOf(':') + 2).split(" ")) {
          summary.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        partitions.put(cores, Integer.parseInt(summary.get("partitions")));
        (cores == 1 ? one : two).add(Double.parseDouble(summary.get("rows_per_s")));
      }
      ratios.add(Bench.round(two.get(round) / one.get(round)));
    }
    result.put("job_rows", rows);
    result.put("job_rounds", rounds);
    if (!jobJvmOptions.isEmpty()) result.put("job_jvm_options", String.join(" ", jobJvmOptions));
    result.put("job_partitions_local_1", partitions.get(1));
    result.put("job_partitions_local_2", partitions.get(2));
    result.put("job_rows_per_s_local_1", one);
    result.put("job_rows_per_s_local_2", two);
    result.put("job_scaling_by_round", ratios);
    result.put("job_scaling_2_cores", Bench.round(Bench.median(ratios)));
  }
}
