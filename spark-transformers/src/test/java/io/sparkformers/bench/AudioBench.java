package io.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.runtime.LengthBucketBatcher;
import io.sparkformers.ml.SpeechRecognizer;
import io.sparkformers.testing.Fixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bash jobs/bench.sh audio}: the wav2vec2 CTC fixture through SpeechRecognizer (batch 32,
 * noop sink) over {@link SyntheticClips} of 1-30 s on local[2] with 2 partitions, against
 * {@link RawCtcLoop} on the same batches. Figures are audio seconds per wall second. Prints one JSON
 * line last.
 *
 * <p>The model has no attention mask, so a batch runs as groups of equal-length rows: with
 * sample-exact random durations every group is one clip and sorting cannot change a batch's runs.
 * Sorted against arrival order is therefore measured twice: on those clips, and on clips of whole
 * seconds, where sorting puts equal lengths into one batch.
 *
 * <p>System properties: bench.clips (300), bench.chunks (2: raw and stage alternate over them, so a
 * slow spell on a shared machine hits both), bench.arrivalClips (120; 0 skips the order runs).
 */
public final class AudioBench {
  static final int BATCH = 32;
  static final int PARTITIONS = 2;
  static final String MODEL = "automatic-speech-recognition-wav2vec2";

  private AudioBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].equals("audio")) throw new IllegalArgumentException("usage: AudioBench audio");
    long clips = Long.getLong("bench.clips", 300);
    int chunks = Integer.getInteger("bench.chunks", 2);
    long arrivalClips = Long.getLong("bench.arrivalClips", 120);
    int window = LengthBucketBatcher.Settings.windowFor(BATCH);

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("task", "automatic-speech-recognition");
    result.put("model", MODEL);
    result.put("clips", clips);
    result.put("audio_seconds", round(audioSeconds(0, clips, false)));
    result.put("onnxruntime", ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());

    Path model = Fixtures.model(MODEL);
    SparkSession spark = TextBench.localSpark();
    double stageSeconds = 0;
    double rawSeconds = 0;
    try (RawCtcLoop loop = new RawCtcLoop(model)) {
      // warm-up: model load, JIT, ORT's first-run allocations, for both
      stageSeconds(spark, model, 0, 20, false, true);
      loop.seconds(0, 20, false, true, PARTITIONS, BATCH, window);
      for (int c = 0; c < chunks; c++) {
        long from = clips * c / chunks;
        long to = clips * (c + 1) / chunks;
        rawSeconds += loop.seconds(from, to, false, true, PARTITIONS, BATCH, window);
        stageSeconds += stageSeconds(spark, model, from, to, false, true);
      }
      double audio = audioSeconds(0, clips, false);
      result.put("stage_audio_s_per_s", round(audio / stageSeconds));
      result.put("raw_ort_audio_s_per_s", round(audio / rawSeconds));
      result.put("ratio_vs_raw", round(rawSeconds / stageSeconds));
      if (arrivalClips > 0) {
        result.put("arrival_clips", arrivalClips);
        for (boolean wholeSeconds : new boolean[] {false, true}) {
          String key = wholeSeconds ? "whole_seconds" : "exact_lengths";
          double sorted = stageSeconds(spark, model, 0, arrivalClips, wholeSeconds, true);
          double arrival = stageSeconds(spark, model, 0, arrivalClips, wholeSeconds, false);
          result.put("sorted_vs_arrival_" + key, round(arrival / sorted));
          if (wholeSeconds) {
            double rawSorted = loop.seconds(0, arrivalClips, true, true, PARTITIONS, BATCH, window);
            double rawArrival = loop.seconds(0, arrivalClips, true, false, PARTITIONS, BATCH, window);
            result.put("raw_sorted_vs_arrival_" + key, round(rawArrival / rawSorted));
          }
        }
      }
    }
    spark.stop();
    System.out.println(new ObjectMapper().writeValueAsString(result));
  }

  /** Seconds SpeechRecognizer takes over clips [from, to), written to the noop sink so every transcript is computed. */
  static double stageSeconds(SparkSession spark, Path model, long from, long to, boolean wholeSeconds,
      boolean sortByLength) {
    SpeechRecognizer stage = new SpeechRecognizer().setModelPath(model.toString())
        .setInputCol("content").setOutputCol("transcription").setBatchSize(BATCH).setSortByLength(sortByLength);
    long started = System.nanoTime();
    stage.transform(clips(spark, from, to, wholeSeconds)).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  /** Encoded on the executors, as RawCtcLoop encodes them: the driver holds no clips. */
  static Dataset<Row> clips(SparkSession spark, long from, long to, boolean wholeSeconds) {
    return spark.range(from, to, 1, PARTITIONS)
        .map((MapFunction<Long, byte[]>) i -> SyntheticClips.wav(i, wholeSeconds), Encoders.BINARY())
        .toDF("content");
  }

  static double audioSeconds(long from, long to, boolean wholeSeconds) {
    long samples = 0;
    for (long i = from; i < to; i++) samples += SyntheticClips.samples(i, wholeSeconds);
    return (double) samples / SyntheticClips.RATE;
  }

  private static double round(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v));
  }
}
