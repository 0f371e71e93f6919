package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decode, extract, batch (padded, as the engine will batch), run with ONNX Runtime and
 * post-process: the audio-classification pipeline's labels and scores for every fixture clip.
 */
class AudioClassificationGoldenTest {

  @Test
  void eachClipAloneGivesThePipelinesOutput() throws Exception {
    JsonNode golden = Fixtures.json(Fixtures.CLASSIFIER + "/golden.json");
    Wav2Vec2FeatureExtractor extractor =
        Wav2Vec2FeatureExtractor.load(Fixtures.path(Fixtures.CLASSIFIER + "/preprocessor_config.json"));
    AudioClassificationPostprocessor postprocessor = new AudioClassificationPostprocessor(
        AudioModelConfig.load(Fixtures.path(Fixtures.CLASSIFIER + "/config.json")).id2label());
    try (OnnxTestModel model = new OnnxTestModel(Fixtures.CLASSIFIER)) {
      for (JsonNode c : golden.get("cases")) {
        Tensor logits = model.run(extractor, List.of(extractor.extract(
            new AudioDecoder().decode(Fixtures.bytes(c.get("audio").asText())))));
        List<LabelScore> actual = postprocessor.apply(logits.floats(), 5);
        JsonNode expected = c.get("pipeline");
        List<String> labels = new ArrayList<>();
        expected.forEach(e -> labels.add(e.get("label").asText()));
        assertEquals(labels, actual.stream().map(LabelScore::label).toList(), c.get("audio").asText());
        for (int i = 0; i < actual.size(); i++) {
          assertEquals(expected.get(i).get("score").asDouble(), actual.get(i).score(), 1e-4);
        }
      }
    }
  }
}
