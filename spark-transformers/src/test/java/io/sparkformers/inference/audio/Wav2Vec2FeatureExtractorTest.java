package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.task.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parity with the input_values transformers 4.38 recorded for the fixture clips. */
class Wav2Vec2FeatureExtractorTest {

  @ParameterizedTest
  @ValueSource(strings = {Fixtures.CLASSIFIER, Fixtures.CTC})
  void inputValuesMatchTheRecordedModelInputs(String model) {
    JsonNode golden = Fixtures.json(model + "/golden.json");
    Wav2Vec2FeatureExtractor extractor =
        Wav2Vec2FeatureExtractor.of(ModelBundle.open(Fixtures.path(model)));
    for (JsonNode onnxCase : golden.get("onnx_cases")) {
      JsonNode recorded = onnxCase.at("/inputs/input_values");
      JsonNode audioCase = caseWithSamples(golden, recorded.at("/shape/1").asInt());
      float[] actual = extractor.extract(Fixtures.audio(audioCase)).inputValues();
      assertArrayEquals(Fixtures.floats(recorded.get("data")), actual, 1e-5f, audioCase.get("audio").asText());
    }
  }

  @Test
  void everyGoldenClipMatchesItsRecordedSummary() {
    JsonNode golden = Fixtures.json(Fixtures.CTC + "/golden.json");
    Wav2Vec2FeatureExtractor extractor =
        Wav2Vec2FeatureExtractor.of(ModelBundle.open(Fixtures.path(Fixtures.CTC)));
    for (JsonNode c : golden.get("cases")) {
      float[] values = extractor.extract(Fixtures.audio(c)).inputValues();
      JsonNode summary = c.get("input_values_summary");
      assertEquals(summary.at("/shape/1").asInt(), values.length);
      double mean = 0;
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float v : values) {
        mean += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      mean /= values.length;
      double variance = 0;
      for (float v : values) {
        variance += (v - mean) * (v - mean);
      }
      assertEquals(summary.get("mean").asDouble(), mean, 1e-6);
      assertEquals(summary.get("min").asDouble(), min, 1e-5);
      assertEquals(summary.get("max").asDouble(), max, 1e-5);
      assertEquals(summary.get("std").asDouble(), Math.sqrt(variance / values.length), 1e-6);
    }
  }

  @Test
  void batchIsPaddedToTheLongestClipWithThePaddingValue() {
    Wav2Vec2FeatureExtractor extractor = new Wav2Vec2FeatureExtractor(16000, false, -7f, true);
    List<AudioFeatures> batch = List.of(
        extractor.extract(new float[] {0.1f, 0.2f, 0.3f}), extractor.extract(new float[] {0.5f}));
    Map<String, Tensor> inputs = extractor.collate(batch, List.of("input_values", "attention_mask"));
    assertArrayEquals(new long[] {2, 3}, inputs.get("input_values").shape());
    assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.5f, -7f, -7f}, inputs.get("input_values").floats());
    assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0}, inputs.get("attention_mask").longs());
  }

  @Test
  void paddingIsNormalizedAwayFromEachClipsOwnStatistics() {
    Wav2Vec2FeatureExtractor extractor = new Wav2Vec2FeatureExtractor(16000, true, 0f, false);
    float[] alone = extractor.extract(new float[] {1f, 3f}).inputValues();
    // (x - 2) / sqrt(1 + 1e-7): the statistics of the real samples only
    assertArrayEquals(new float[] {-0.99999995f, 0.99999995f}, alone, 1e-7f);
  }

  @Test
  void graphWithoutAttentionMaskGetsNone() {
    Wav2Vec2FeatureExtractor extractor = new Wav2Vec2FeatureExtractor(16000, true, 0f, true);
    Map<String, Tensor> inputs =
        extractor.collate(List.of(extractor.extract(new float[] {1f, 2f})), List.of("input_values"));
    assertFalse(inputs.containsKey("attention_mask"));
  }

  @Test
  void maskIsAllOnesWhenTheConfigAsksForNoneButTheGraphDeclaresOne() {
    Wav2Vec2FeatureExtractor extractor = new Wav2Vec2FeatureExtractor(16000, false, 0f, false);
    List<AudioFeatures> batch = List.of(extractor.extract(new float[] {1f, 2f}), extractor.extract(new float[] {1f}));
    Map<String, Tensor> inputs = extractor.collate(batch, List.of("input_values", "attention_mask"));
    assertArrayEquals(new long[] {1, 1, 1, 1}, inputs.get("attention_mask").longs());
  }

  @Test
  void clipIsMixedToMonoAndResampledToTheModelRate() {
    Wav2Vec2FeatureExtractor extractor = new Wav2Vec2FeatureExtractor(16000, false, 0f, false);
    float[] left = WavBytes.sine(440, 0.5, 48000, 0.5);
    float[] silent = new float[left.length];
    float[] mono = extractor.monoAtModelRate(new AudioClip(new float[][] {left, silent}, 48000));
    float[] expected = Resampler.resample(WavBytes.sine(440, 0.25, 48000, 0.5), 48000, 16000);
    assertArrayEquals(expected, mono, 1e-6f);
    assertEquals(8000, mono.length);
  }

  @Test
  void emptyAudioIsInvalid() {
    Wav2Vec2FeatureExtractor extractor = new Wav2Vec2FeatureExtractor(16000, true, 0f, false);
    assertThrows(InvalidInputException.class, () -> extractor.extract(new float[0]));
  }

  private static JsonNode caseWithSamples(JsonNode golden, int samples) {
    for (JsonNode c : golden.get("cases")) {
      if (c.get("num_samples").asInt() == samples) {
        return c;
      }
    }
    throw new IllegalStateException("no golden case with " + samples + " samples");
  }
}
