package io.sparkformers.inference.task.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.audio.AudioLimits;
import io.sparkformers.inference.audio.ChunkedAudio;
import io.sparkformers.inference.audio.TimestampMode;
import io.sparkformers.inference.audio.Transcription;
import io.sparkformers.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** transformers 4.38's automatic-speech-recognition pipeline, unchunked and chunked, through the Java pipeline. */
class AutomaticSpeechRecognitionPipelineTest {
  private static final String MODEL = "automatic-speech-recognition-wav2vec2";

  private static AutomaticSpeechRecognitionPipeline pipeline(JsonNode args) {
    JsonNode stride = args.get("stride_length_s");
    Double left = stride == null ? null : stride.isArray() ? stride.get(0).asDouble() : stride.asDouble();
    Double right = stride == null ? null : stride.isArray() ? stride.get(1).asDouble() : stride.asDouble();
    TimestampMode mode = TimestampMode.valueOf(args.path("return_timestamps").asText("none").toUpperCase(Locale.ROOT));
    return new AutomaticSpeechRecognitionPipeline(Fixtures.open(Fixtures.model(MODEL)),
        new AutomaticSpeechRecognitionPipeline.Settings(args.path("chunk_length_s").asDouble(0), left, right, mode,
            AudioLimits.DEFAULT));
  }

  @Test
  void clipsOfDifferentLengthsInOneBatchEachGiveThePipelinesText() throws IOException {
    JsonNode cases = Fixtures.golden(MODEL, "golden.json").get("cases");
    AutomaticSpeechRecognitionPipeline pipeline = pipeline(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode());
    List<ChunkedAudio> batch = new ArrayList<>();
    for (JsonNode c : cases) batch.add(pipeline.preprocess(AudioInput.encoded(AudioClassificationPipelineTest.audio(c))));
    List<Transcription> out = pipeline.predict(batch);
    for (int i = 0; i < cases.size(); i++) {
      assertEquals(cases.get(i).at("/pipeline/text").asText(), out.get(i).text());
    }
  }

  @Test
  void everyChunkedGoldenSettingIsReproduced() throws IOException {
    for (JsonNode c : Fixtures.golden(MODEL, "golden_chunked.json").get("cases")) {
      JsonNode args = c.get("pipeline_args");
      AutomaticSpeechRecognitionPipeline pipeline = pipeline(args);
      ChunkedAudio features = pipeline.preprocess(AudioInput.encoded(AudioClassificationPipelineTest.audio(c)));
      assertTranscription(c.get("pipeline"), pipeline.predict(List.of(features)).get(0), args.toString());
    }
  }

  static void assertTranscription(JsonNode expected, Transcription actual, String what) {
    assertEquals(expected.get("text").asText(), actual.text(), what);
    JsonNode chunks = expected.path("chunks");
    assertEquals(chunks.size(), actual.chunks().size(), what);
    for (int i = 0; i < chunks.size(); i++) {
      JsonNode chunk = chunks.get(i);
      assertEquals(chunk.get("text").asText(), actual.chunks().get(i).text(), what + " chunk " + i);
      double[] timestamp = {chunk.at("/timestamp/0").asDouble(), chunk.at("/timestamp/1").asDouble()};
      assertArrayEquals(timestamp, actual.chunks().get(i).timestamp(), 1e-9, what + " chunk " + i);
    }
  }
}
