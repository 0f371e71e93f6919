package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audio layer end to end against the transformers 4.38 ASR pipeline: recorded logits decode to
 * the recorded transcripts, and the 4 s clip run through ONNX Runtime reproduces golden_chunked.json
 * unchunked, chunked with strides, and with char and word timestamps.
 */
class SpeechRecognitionGoldenTest {
  private static OnnxTestModel model;
  private static Wav2Vec2FeatureExtractor extractor;
  private static AudioModelConfig config;
  private static CtcTranscriber transcriber;

  @BeforeAll
  static void load() {
    model = new OnnxTestModel(Fixtures.CTC);
    extractor = Wav2Vec2FeatureExtractor.load(Fixtures.path(Fixtures.CTC + "/preprocessor_config.json"));
    config = AudioModelConfig.load(Fixtures.path(Fixtures.CTC + "/config.json"));
    transcriber = new CtcTranscriber(
        CtcTokenizer.load(Fixtures.path(Fixtures.CTC)), config.inputsToLogitsRatio(), extractor.samplingRate());
  }

  @AfterAll
  static void close() throws Exception {
    model.close();
  }

  @Test
  void inputsToLogitsRatioIsTheProductOfConvStrides() {
    assertEquals(5 * 4 * 4, config.inputsToLogitsRatio());
  }

  @Test
  void recordedLogitsDecodeToThePipelinesText() {
    for (JsonNode c : Fixtures.json(Fixtures.CTC + "/golden.json").get("cases")) {
      JsonNode logits = c.get("logits");
      long[] shape = {logits.at("/shape/0").asLong(), logits.at("/shape/1").asLong(), logits.at("/shape/2").asLong()};
      Tensor tensor = Tensor.floats(Fixtures.floats(logits.get("data")), shape);
      int[] tokens = transcriber.chunkTokens(tensor, 0, AudioChunk.whole(new float[c.get("num_samples").asInt()]));
      assertEquals(c.at("/pipeline/text").asText(), transcriber.transcribe(List.of(tokens), TimestampMode.NONE).text());
    }
  }

  @Test
  void everyChunkedGoldenSettingIsReproduced() {
    JsonNode golden = Fixtures.json(Fixtures.CTC + "/golden_chunked.json");
    for (JsonNode c : golden.get("cases")) {
      JsonNode args = c.get("pipeline_args");
      Transcription actual = transcribe(Fixtures.audio(c), args);
      JsonNode expected = c.get("pipeline");
      assertEquals(expected.get("text").asText(), actual.text(), args.toString());
      JsonNode chunks = expected.path("chunks");
      assertEquals(chunks.size(), actual.chunks().size(), args.toString());
      for (int i = 0; i < chunks.size(); i++) {
        JsonNode chunk = chunks.get(i);
        assertEquals(chunk.get("text").asText(), actual.chunks().get(i).text(), args + " chunk " + i);
        double[] timestamp = {chunk.at("/timestamp/0").asDouble(), chunk.at("/timestamp/1").asDouble()};
        assertArrayEquals(timestamp, actual.chunks().get(i).timestamp(), 1e-9, args + " chunk " + i);
      }
    }
  }

  /** What the pipeline does for one clip: chunk (or not), extract and run each window, merge. */
  private static Transcription transcribe(float[] samples, JsonNode args) {
    List<AudioChunk> chunks = List.of(AudioChunk.whole(samples));
    if (args.has("chunk_length_s")) {
      JsonNode stride = args.get("stride_length_s");
      Double left = stride == null ? null : stride.isArray() ? stride.get(0).asDouble() : stride.asDouble();
      Double right = stride == null ? null : stride.isArray() ? stride.get(1).asDouble() : stride.asDouble();
      chunks = AudioChunker.ofSeconds(args.get("chunk_length_s").asDouble(), left, right,
          extractor.samplingRate(), config.inputsToLogitsRatio()).split(samples);
    }
    List<int[]> tokens = new ArrayList<>();
    for (AudioChunk chunk : chunks) {
      Tensor logits = model.run(extractor, List.of(extractor.extract(chunk.samples())));
      tokens.add(transcriber.chunkTokens(logits, 0, chunk));
    }
    TimestampMode mode = TimestampMode.valueOf(args.path("return_timestamps").asText("none").toUpperCase());
    return transcriber.transcribe(tokens, mode);
  }
}
