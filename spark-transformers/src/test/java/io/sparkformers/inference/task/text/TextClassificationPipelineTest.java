package io.sparkformers.inference.task.text;

import io.sparkformers.inference.task.LabelScore;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextClassificationPipelineTest {
  private static final String MODEL = "text-classification-bert";
  private final ModelSpec.Model model = Fixtures.open(Fixtures.model(MODEL));
  private final JsonNode golden = Fixtures.golden(MODEL, "golden.json");

  private List<List<LabelScore>> classify(int topK) {
    var pipeline = new TextClassificationPipeline(model,
        new TextClassificationPipeline.Settings(topK, null, null, 1_000_000));
    var features = new ArrayList<io.sparkformers.inference.text.EncodedText>();
    for (JsonNode c : golden.get("cases")) {
      features.add(pipeline.preprocess(new TextClassificationPipeline.Input(c.get("text").asText(), null)));
    }
    return pipeline.predict(features);
  }

  @Test
  void top1MatchesTransformersPipeline() {
    List<List<LabelScore>> got = classify(1);
    JsonNode expected = golden.get("pipeline").get("default(top1)");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(1, got.get(i).size());
      assertLabelScore(expected.get(i), got.get(i).get(0));
    }
  }

  @Test
  void topKNoneReturnsEveryLabelRanked() {
    List<List<LabelScore>> got = classify(-1);
    JsonNode expected = golden.get("pipeline").get("top_k=None");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).size(), got.get(i).size());
      for (int k = 0; k < expected.get(i).size(); k++) {
        assertLabelScore(expected.get(i).get(k), got.get(i).get(k));
      }
    }
  }

  static void assertLabelScore(JsonNode expected, LabelScore actual) {
    assertEquals(expected.get("label").asText(), actual.label());
    assertEquals(expected.get("score").floatValue(), actual.score(), 1e-4);
  }
}
