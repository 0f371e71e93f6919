package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.audio.AudioDecoder;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The audio goldens of transformers 4.38's pipelines through the Spark stages. */
class AudioStagesGoldenTest {
  private static final String CLASSIFIER = "audio-classification-wav2vec2";
  private static final String CTC = "automatic-speech-recognition-wav2vec2";
  private final SparkSession spark = LocalSpark.get();

  /** The golden cases' WAVs as spark.read.format("binaryFile") gives them: path, ..., content. */
  private Dataset<Row> binaryFiles(JsonNode cases) {
    String[] paths = new String[cases.size()];
    for (int i = 0; i < paths.length; i++) paths[i] = wav(cases.get(i)).toString();
    return spark.read().format("binaryFile").load(paths).repartition(2);
  }

  /** The same WAVs decoded to array<float> samples, with their rate in a column. */
  private Dataset<Row> samples(JsonNode cases) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) {
      float[] samples = new AudioDecoder().decode(bytes(wav(c))).channels()[0];
      rows.add(RowFactory.create(wav(c).toString(), samples, 16000));
    }
    StructType schema = new StructType().add("path", DataTypes.StringType)
        .add("samples", DataTypes.createArrayType(DataTypes.FloatType, false)).add("rate", DataTypes.IntegerType);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  private static Path wav(JsonNode goldenCase) {
    return Fixtures.model(goldenCase.get("audio").asText());
  }

  private static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Output rows by the name of their file ("audio_1.0s.wav"). */
  private static Map<String, Row> byFile(Dataset<Row> out) {
    return out.collectAsList().stream().collect(Collectors.toMap(
        r -> Path.of(r.<String>getAs("path").replace("file:", "")).getFileName().toString(), Function.identity()));
  }

  private static String file(JsonNode goldenCase) {
    return wav(goldenCase).getFileName().toString();
  }

  private AudioClassifier classifier() {
    return classifier(CLASSIFIER);
  }

  private static AudioClassifier classifier(String fixture) {
    return new AudioClassifier().setModelPath(Fixtures.model(fixture).toString()).setOutputCol("labels");
  }

  @ParameterizedTest
  @ValueSource(strings = {CLASSIFIER, "audio-classification-wavlm", "audio-classification-data2vec-audio"})
  void audioClassificationFromBinaryFilesAndFromSamplesMatchesThePipeline(String fixture) {
    JsonNode cases = Fixtures.golden(fixture, "golden.json").get("cases");
    Map<String, Row> fromFiles = byFile(classifier(fixture).setInputCol("content").transform(binaryFiles(cases)));
    Map<String, Row> fromSamples = byFile(classifier(fixture).setInputCol("samples").setSamplingRateCol("rate")
        .transform(samples(cases)));
    for (JsonNode c : cases) {
      for (Row row : List.of(fromFiles.get(file(c)), fromSamples.get(file(c)))) {
        List<Row> labels = row.getList(row.fieldIndex("labels"));
        JsonNode expected = c.get("pipeline");
        assertEquals(expected.size(), labels.size(), file(c));
        for (int i = 0; i < labels.size(); i++) {
          assertEquals(expected.get(i).get("label").asText(), labels.get(i).getString(0), file(c));
          assertEquals(expected.get(i).get("score").floatValue(), labels.get(i).getFloat(1), 1e-4, file(c));
        }
      }
    }
  }

  private SpeechRecognizer recognizer() {
    return recognizer(CTC);
  }

  private static SpeechRecognizer recognizer(String fixture) {
    return new SpeechRecognizer().setModelPath(Fixtures.model(fixture).toString()).setOutputCol("transcription");
  }

  @ParameterizedTest
  @ValueSource(strings = {CTC, "automatic-speech-recognition-wavlm", "automatic-speech-recognition-data2vec-audio"})
  void speechRecognitionFromBinaryFilesAndFromSamplesMatchesThePipeline(String fixture) {
    JsonNode cases = Fixtures.golden(fixture, "golden.json").get("cases");
    Map<String, Row> fromFiles = byFile(recognizer(fixture).setInputCol("content").transform(binaryFiles(cases)));
    Map<String, Row> fromSamples = byFile(recognizer(fixture).setInputCol("samples").setSamplingRate(16000)
        .transform(samples(cases)));
    for (JsonNode c : cases) {
      for (Row row : List.of(fromFiles.get(file(c)), fromSamples.get(file(c)))) {
        Row transcription = row.getStruct(row.fieldIndex("transcription"));
        assertEquals(c.at("/pipeline/text").asText(), transcription.getString(0), file(c));
        assertNull(transcription.get(1), "no chunks without returnTimestamps");
      }
    }
  }

  @Test
  void everyChunkedGoldenSettingThroughTheStage() {
    for (JsonNode c : Fixtures.golden(CTC, "golden_chunked.json").get("cases")) {
      JsonNode args = c.get("pipeline_args");
      SpeechRecognizer stage = recognizer().setInputCol("content")
          .setReturnTimestamps(args.path("return_timestamps").asText("none"));
      if (args.has("chunk_length_s")) stage.setChunkLengthS(args.get("chunk_length_s").asDouble());
      JsonNode stride = args.get("stride_length_s");
      if (stride != null && stride.isArray()) stage.setStrideLengthS(stride.get(0).asDouble(), stride.get(1).asDouble());
      else if (stride != null) stage.setStrideLengthS(stride.asDouble());
      Row out = stage.transform(binaryFiles(new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add(c)))
          .collectAsList().get(0);
      Row transcription = out.getStruct(out.fieldIndex("transcription"));
      JsonNode expected = c.get("pipeline");
      assertEquals(expected.get("text").asText(), transcription.getString(0), args.toString());
      if (!expected.has("chunks")) continue;
      List<Row> chunks = transcription.getList(1);
      assertEquals(expected.get("chunks").size(), chunks.size(), args.toString());
      for (int i = 0; i < chunks.size(); i++) {
        JsonNode e = expected.get("chunks").get(i);
        assertEquals(e.get("text").asText(), chunks.get(i).getString(0), args + " chunk " + i);
        double[] timestamp = chunks.get(i).getList(1).stream().mapToDouble(d -> (Double) d).toArray();
        assertArrayEquals(new double[] {e.at("/timestamp/0").asDouble(), e.at("/timestamp/1").asDouble()},
            timestamp, 1e-9, args + " chunk " + i);
      }
    }
  }

  /** A good clip, then null, empty, not audio, a truncated WAV, and a clip over maxAudioSeconds. */
  private Dataset<Row> withBadRows() {
    byte[] good = bytes(Fixtures.model("inputs/audio/audio_1.0s.wav"));
    byte[] long4s = bytes(Fixtures.model("inputs/audio/audio_4.0s.wav"));
    List<Row> rows = List.of(
        RowFactory.create(0, good),
        RowFactory.create(1, (Object) null),
        RowFactory.create(2, new byte[0]),
        RowFactory.create(3, "not audio at all".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        RowFactory.create(4, Arrays.copyOf(good, good.length / 2)),
        RowFactory.create(5, long4s));
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("audio", DataTypes.BinaryType))
        .repartition(2);
  }

  @Test
  void keepGivesNullOutputAndAReasonForEachBadClip() {
    AudioClassifier stage = classifier().setHandleInvalid("keep").setMaxAudioSeconds(2);
    List<Row> out = new ArrayList<>(stage.transform(withBadRows()).collectAsList());
    out.sort(Comparator.comparingInt(r -> r.getInt(0)));
    assertEquals(6, out.size());
    assertNotNull(out.get(0).get(2));
    assertNull(out.get(0).get(3));
    List<String> reasons = out.subList(1, 6).stream().map(r -> r.getString(3)).toList();
    assertTrue(reasons.get(0).contains("null"), reasons.get(0));
    assertTrue(reasons.get(1).contains("empty"), reasons.get(1));
    assertTrue(reasons.get(2).contains("not a recognised audio format"), reasons.get(2));
    assertTrue(reasons.get(3).contains("truncated"), reasons.get(3));
    assertTrue(reasons.get(4).contains("limit"), reasons.get(4));
    for (Row r : out.subList(1, 6)) assertNull(r.get(2));
    assertEquals(6, stage.counters().rowsIn.value());
    assertEquals(6, stage.counters().rowsOut.value());
    assertEquals(5, stage.counters().rowsFailed.value());
  }

  @Test
  void skipDropsBadClipsAndCountsThem() {
    SpeechRecognizer stage = recognizer().setHandleInvalid("skip").setMaxAudioSeconds(2);
    long out = stage.transform(withBadRows()).count();
    assertEquals(1, out);
    assertEquals(5, stage.counters().rowsSkipped.value());
    assertEquals(stage.counters().rowsIn.value(), stage.counters().rowsOut.value() + stage.counters().rowsSkipped.value());
  }

  @Test
  void aSavedStageLoadsWithItsSettings(@TempDir Path dir) throws IOException {
    SpeechRecognizer stage = recognizer().setChunkLengthS(1.5).setStrideLengthS(0.3, 0.2).setReturnTimestamps("word")
        .setSamplingRateCol("rate").setMaxInputBytes(1 << 20);
    stage.write().save(dir.resolve("asr").toString());
    SpeechRecognizer loaded = SpeechRecognizer.load(dir.resolve("asr").toString());
    assertArrayEquals(new double[] {0.3, 0.2}, loaded.$(loaded.strideLengthS()));
    assertEquals(1.5, (double) loaded.$(loaded.chunkLengthS()));
    assertEquals("word", loaded.$(loaded.returnTimestamps()));
    assertEquals("rate", loaded.$(loaded.samplingRateCol()));
    assertEquals(1L << 20, (long) loaded.$(loaded.maxInputBytes()));
    assertEquals(stage.uid(), loaded.uid());
  }

  @Test
  void audioTasksAreRegisteredUnderTheirHuggingFaceNames() {
    assertTrue(Tasks.stage("audio-classification") instanceof AudioClassifier);
    assertTrue(Tasks.stage("automatic-speech-recognition") instanceof SpeechRecognizer);
  }
}
