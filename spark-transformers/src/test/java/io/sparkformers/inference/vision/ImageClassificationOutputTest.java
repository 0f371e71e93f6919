package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.vision.ImageClassificationOutput.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Recorded logits through our post-processing give the pipeline's labels and scores. */
class ImageClassificationOutputTest {

  @ParameterizedTest
  @ValueSource(strings = {"image-classification-vit", "image-classification-convnext"})
  void topKMatchesThePipeline(String fixture) {
    List<String> labels = Fixtures.labels(fixture);
    Activation activation = Activation.forModel(null, labels.size());
    for (JsonNode goldenCase : Fixtures.golden(fixture).get("cases")) {
      float[] logits = Fixtures.floats(goldenCase.get("logits"));
      // top_k 5 is clipped to the 3 labels, as the pipeline does
      assertSameRanking(goldenCase.get("pipeline"), ImageClassificationOutput.topK(logits, labels, activation, 5));
      assertSameRanking(goldenCase.get("pipeline_top_k_2"), ImageClassificationOutput.topK(logits, labels, activation, 2));
    }
  }

  @Test
  void multiLabelModelsUseIndependentSigmoids() {
    assertEquals(Activation.SIGMOID, Activation.forModel("multi_label_classification", 3));
    assertEquals(Activation.SIGMOID, Activation.forModel(null, 1));
    assertEquals(Activation.SOFTMAX, Activation.forModel("single_label_classification", 3));
    List<Classification> top = ImageClassificationOutput.topK(
        new float[] {0f, 2f, -1f}, List.of("a", "b", "c"), Activation.SIGMOID, 3);
    assertEquals(List.of("b", "a", "c"), top.stream().map(Classification::label).toList());
    assertEquals(0.8807971f, top.get(0).score(), 1e-6f);
    assertEquals(0.5f, top.get(1).score(), 1e-6f);
  }

  private static void assertSameRanking(JsonNode expected, List<Classification> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < actual.size(); i++) {
      assertEquals(expected.get(i).get("label").asText(), actual.get(i).label());
      assertEquals(expected.get(i).get("score").floatValue(), actual.get(i).score(), 1e-4f);
    }
  }
}
