package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audio goldens of transformers 4.38's pipelines through the job: a directory of WAV files read
 * with --input-format audio (path and content kept), predictions written as Parquet.
 */
class AudioJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CTC = JobRun.FIXTURES.resolve("automatic-speech-recognition-wav2vec2");
  private static final Path CLASSIFIER = JobRun.FIXTURES.resolve("audio-classification-wav2vec2");

  @TempDir
  Path dir;

  /** The cases' WAV files copied into one directory, as a job's input would be. */
  private Path clips(JsonNode cases) throws IOException {
    Path clips = Files.createDirectories(dir.resolve("clips"));
    for (JsonNode c : cases) {
      Path wav = JobRun.FIXTURES.resolve(c.get("audio").asText());
      Files.copy(wav, clips.resolve(wav.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return clips;
  }

  /** Runs the job over the cases' clips; output rows by file name ("audio_1.0s.wav"). */
  private Map<String, Row> run(String task, Path model, JsonNode cases, String... options) throws IOException {
    String output = dir.resolve("out").toString();
    List<String> args = new ArrayList<>(List.of("--task", task, "--model", model.toString(),
        "--input", clips(cases).toString(), "--input-format", "audio", "--output", output, "--overwrite"));
    args.addAll(List.of(options));
    JobRun run = JobRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(cases.size(), run.count("rows_out"));
    List<Row> rows = JobRun.spark().read().parquet(output).collectAsList();
    assertEquals(List.of("path", "content", "prediction"), List.of(rows.get(0).schema().fieldNames()));
    return rows.stream().collect(Collectors.toMap(
        r -> Path.of(r.<String>getAs("path")).getFileName().toString(), Function.identity()));
  }

  private static String file(JsonNode goldenCase) {
    return Path.of(goldenCase.get("audio").asText()).getFileName().toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"audio-classification-wav2vec2", "audio-classification-wavlm",
      "audio-classification-data2vec-audio"})
  void audioClassificationGivesTheLabelsAndScoresOfTransformers(String fixture) throws IOException {
    Path model = JobRun.FIXTURES.resolve(fixture);
    JsonNode cases = read(model.resolve("golden.json")).get("cases");
    Map<String, Row> out = run("audio-classification", model, cases);
    for (JsonNode c : cases) {
      List<Row> labels = out.get(file(c)).getList(out.get(file(c)).fieldIndex("prediction"));
      JsonNode expected = c.get("pipeline");
      assertEquals(expected.size(), labels.size(), file(c));
      for (int k = 0; k < labels.size(); k++) {
        assertEquals(expected.get(k).get("label").asText(), labels.get(k).getString(0), file(c));
        assertEquals(expected.get(k).get("score").floatValue(), labels.get(k).getFloat(1), 1e-4, file(c));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"automatic-speech-recognition-wav2vec2", "automatic-speech-recognition-wavlm",
      "automatic-speech-recognition-data2vec-audio"})
  void speechRecognitionGivesTheTranscriptsOfTransformers(String fixture) throws IOException {
    Path model = JobRun.FIXTURES.resolve(fixture);
    JsonNode cases = read(model.resolve("golden.json")).get("cases");
    Map<String, Row> out = run("automatic-speech-recognition", model, cases);
    for (JsonNode c : cases) {
      Row transcription = out.get(file(c)).getStruct(out.get(file(c)).fieldIndex("prediction"));
      assertEquals(c.at("/pipeline/text").asText(), transcription.getString(0), file(c));
    }
  }

  /**
   * Every chunked golden, its pipeline arguments passed as --option with their JSON values as
   * written in the golden (stride_length_s=0.25 or [0.3,0.2], return_timestamps=word).
   */
  @Test
  void everyChunkedGoldenSettingAsOptions() throws IOException {
    for (JsonNode c : read(CTC.resolve("golden_chunked.json")).get("cases")) {
      List<String> options = new ArrayList<>();
      c.get("pipeline_args").fields().forEachRemaining(arg -> {
        JsonNode v = arg.getValue();
        options.addAll(List.of("--option", arg.getKey() + "=" + (v.isTextual() ? v.asText() : v.toString())));
      });
      Row row = run("automatic-speech-recognition", CTC, JSON.createArrayNode().add(c), options.toArray(String[]::new))
          .get(file(c));
      Row transcription = row.getStruct(row.fieldIndex("prediction"));
      JsonNode expected = c.get("pipeline");
      assertEquals(expected.get("text").asText(), transcription.getString(0), options.toString());
      if (!expected.has("chunks")) continue;
      List<Row> chunks = transcription.getList(1);
      assertEquals(expected.get("chunks").size(), chunks.size(), options.toString());
      for (int i = 0; i < chunks.size(); i++) {
        JsonNode e = expected.get("chunks").get(i);
        assertEquals(e.get("text").asText(), chunks.get(i).getString(0), options + " chunk " + i);
        double[] timestamp = chunks.get(i).getList(1).stream().mapToDouble(d -> (Double) d).toArray();
        assertArrayEquals(new double[] {e.at("/timestamp/0").asDouble(), e.at("/timestamp/1").asDouble()},
            timestamp, 1e-9, options + " chunk " + i);
      }
    }
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
