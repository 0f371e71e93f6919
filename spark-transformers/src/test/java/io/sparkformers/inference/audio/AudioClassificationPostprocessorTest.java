package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Softmax, top_k and id2label against the audio-classification pipeline's recorded outputs. */
class AudioClassificationPostprocessorTest {
  private final AudioClassificationPostprocessor postprocessor = new AudioClassificationPostprocessor(
      AudioModelConfig.load(Fixtures.path(Fixtures.CLASSIFIER + "/config.json")).id2label());

  @Test
  void recordedLogitsGiveThePipelinesLabelsAndScores() {
    JsonNode golden = Fixtures.json(Fixtures.CLASSIFIER + "/golden.json");
    for (JsonNode c : golden.get("cases")) {
      // the golden ran with top_k=5, clipped to the 3 labels
      List<LabelScore> actual = postprocessor.apply(Fixtures.floats(c.at("/logits/data")), 5);
      JsonNode expected = c.get("pipeline");
      assertEquals(expected.size(), actual.size());
      for (int i = 0; i < actual.size(); i++) {
        assertEquals(expected.get(i).get("label").asText(), actual.get(i).label(), c.get("audio").asText());
        assertEquals(expected.get(i).get("score").asDouble(), actual.get(i).score(), 1e-4);
      }
    }
  }

  @Test
  void topKKeepsTheBestScores() {
    List<LabelScore> top = postprocessor.apply(new float[] {0f, 2f, 1f}, 1);
    assertEquals(List.of("no"), top.stream().map(LabelScore::label).toList());
  }
}
