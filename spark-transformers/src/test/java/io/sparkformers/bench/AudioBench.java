package io.sparkformers.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.audio.AudioDecoder;
import io.sparkformers.inference.audio.AudioFeatures;
import io.sparkformers.inference.audio.Wav2Vec2FeatureExtractor;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.ml.SpeechRecognizer;
import io.sparkformers.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bash jobs/bench.sh audio}: the Wav2Vec2 CTC fixture (SpeechRecognizer) over generated
 * 16 kHz WAV clips of 1-30 s stored as Parquet, Spark local[2] with 2 partitions, against plain ONNX
 * Runtime loops on the same clips, 2 threads, intra-op 1, one clip per run as the stage runs clips
 * of unequal length (this model has no attention mask: padding would change its output). One raw
 * loop gets ready features (the forward-pass ceiling), one decodes and extracts them too.
 * Sorting is measured on clips of whole-second durations, where equal lengths exist to batch.
 * bench.clips (160) sets the count. Prints one JSON line last.
 */
public final class AudioBench {
  private static final String MODEL = "automatic-speech-recognition-wav2vec2";
  private static final int RATE = 16_000;
  private static final int THREADS = 2;

  private AudioBench() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("bench.clips", 160);
    Path model = Fixtures.model(MODEL);
    List<byte[]> clips = new ArrayList<>(count);
    List<byte[]> wholeSeconds = new ArrayList<>(count);
    double audioSeconds = 0;
    for (int i = 0; i < count; i++) {
      SplittableRandom random = new SplittableRandom(31L * i + 5);
      double seconds = 1 + 29 * random.nextDouble();
      audioSeconds += seconds;
      clips.add(wav(random, (int) (seconds * RATE)));
      wholeSeconds.add(wav(random, (1 + random.nextInt(30)) * RATE));
    }
    Wav2Vec2FeatureExtractor extractor = Wav2Vec2FeatureExtractor.of(ModelBundle.open(model));
    AudioDecoder decoder = new AudioDecoder();
    List<AudioFeatures> features = new ArrayList<>(count);
    for (byte[] wav : clips) features.add(extractor.extract(extractor.monoAtModelRate(decoder.decode(wav))));

    SparkSession spark = TextBench.localSpark();
    Path dir = Files.createTempDirectory("audio-bench");
    Path mixed = parquet(spark, clips, dir.resolve("mixed.parquet"));
    Path whole = parquet(spark, wholeSeconds, dir.resolve("whole.parquet"));

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model.resolve("onnx/model.onnx").toString(), options)) {
        // warm-up for both: model load, JIT, ONNX Runtime's first runs
        stageSeconds(spark, model, mixed, true);
        for (AudioFeatures f : features.subList(0, Math.min(20, count))) run(env, session, f);
        double stage = 0;
        double raw = 0;
        double rawWithDecode = 0;
        for (int round = 0; round < 2; round++) {
          raw += Bench.inThreads(THREADS, count, (int from, int to) -> {
            for (AudioFeatures f : features.subList(from, to)) run(env, session, f);
          });
          rawWithDecode += Bench.inThreads(THREADS, count, (int from, int to) -> {
            for (byte[] wav : clips.subList(from, to)) {
              run(env, session, extractor.extract(extractor.monoAtModelRate(decoder.decode(wav))));
            }
          });
          stage += stageSeconds(spark, model, mixed, true);
        }
        double sorted = stageSeconds(spark, model, whole, true) + stageSeconds(spark, model, whole, true);
        double arrival = stageSeconds(spark, model, whole, false) + stageSeconds(spark, model, whole, false);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", "automatic-speech-recognition");
        result.put("model", MODEL);
        result.put("clips", count);
        result.put("audio_seconds", Bench.round(audioSeconds));
        result.put("stage_audio_s_per_s", Bench.round(2 * audioSeconds / stage));
        result.put("raw_ort_audio_s_per_s", Bench.round(2 * audioSeconds / raw));
        result.put("ratio_vs_raw", Bench.round(raw / stage));
        result.put("raw_ort_with_decode_audio_s_per_s", Bench.round(2 * audioSeconds / rawWithDecode));
        result.put("ratio_vs_raw_with_decode", Bench.round(rawWithDecode / stage));
        result.put("sorted_vs_arrival_whole_seconds", Bench.round(arrival / sorted));
        spark.stop();
        System.out.println(new ObjectMapper().writeValueAsString(result));
      }
    }
  }

  /** A 16-bit mono WAV: a few tones and noise, different for every clip. */
  private static byte[] wav(SplittableRandom random, int samples) throws Exception {
    byte[] pcm = new byte[samples * 2];
    double f1 = 100 + random.nextDouble(900);
    double f2 = 1000 + random.nextDouble(3000);
    for (int i = 0; i < samples; i++) {
      double t = (double) i / RATE;
      double v = 0.3 * Math.sin(2 * Math.PI * f1 * t) + 0.2 * Math.sin(2 * Math.PI * f2 * t)
          + 0.05 * (random.nextDouble() - 0.5);
      short s = (short) Math.round(v * Short.MAX_VALUE);
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    AudioFormat format = new AudioFormat(RATE, 16, 1, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), format, samples),
        AudioFileFormat.Type.WAVE, out);
    return out.toByteArray();
  }

  private static Path parquet(SparkSession spark, List<byte[]> clips, Path path) {
    List<Row> rows = new ArrayList<>(clips.size());
    for (int i = 0; i < clips.size(); i++) rows.add(RowFactory.create(i, clips.get(i)));
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("audio", DataTypes.BinaryType))
        .repartition(THREADS).write().parquet(path.toString());
    return path;
  }

  private static double stageSeconds(SparkSession spark, Path model, Path parquet, boolean sortByLength) {
    Dataset<Row> clips = spark.read().parquet(parquet.toString());
    long started = System.nanoTime();
    new SpeechRecognizer().setModelPath(model.toString()).setOutputCol("transcription").setSortByLength(sortByLength)
        .setMaxTokensPerBatch(Integer.getInteger("bench.maxSamplesPerBatch", 0))
        .transform(clips).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  private static void run(OrtEnvironment env, OrtSession session, AudioFeatures clip) throws Exception {
    float[] values = clip.inputValues();
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {1, values.length});
        OrtSession.Result result = session.run(Map.of(Wav2Vec2FeatureExtractor.INPUT_VALUES, input))) {
      result.get(0).getValue();
    }
  }
}
