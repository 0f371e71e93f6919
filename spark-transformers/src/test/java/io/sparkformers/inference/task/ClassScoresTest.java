package io.sparkformers.inference.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Recorded image-classification logits through ClassScores give the pipeline's labels and scores. */
class ClassScoresTest {

  @ParameterizedTest
  @ValueSource(strings = {"image-classification-vit", "image-classification-convnext"})
  void topKMatchesTheImageClassificationPipeline(String fixture) {
    List<String> labels = ModelBundle.open(Fixtures.model(fixture)).labels();
    ClassScores.Function function = ClassScores.defaultFor(null, labels.size());
    for (JsonNode goldenCase : Fixtures.golden(fixture, "golden.json").get("cases")) {
      float[] scores = ClassScores.apply(function, Fixtures.floats(goldenCase.get("logits")), 0, labels.size());
      // top_k 5 is clipped to the 3 labels, as the pipeline does
      assertSameRanking(goldenCase.get("pipeline"), ClassScores.top(scores, labels, 5));
      assertSameRanking(goldenCase.get("pipeline_top_k_2"), ClassScores.top(scores, labels, 2));
    }
  }

  @Test
  void multiLabelModelsUseIndependentSigmoids() {
    assertEquals(ClassScores.Function.SIGMOID, ClassScores.defaultFor("multi_label_classification", 3));
    assertEquals(ClassScores.Function.SIGMOID, ClassScores.defaultFor(null, 1));
    assertEquals(ClassScores.Function.SOFTMAX, ClassScores.defaultFor("single_label_classification", 3));
    float[] scores = ClassScores.apply(ClassScores.Function.SIGMOID, new float[] {0f, 2f, -1f}, 0, 3);
    List<LabelScore> top = ClassScores.top(scores, List.of("a", "b", "c"), 3);
    assertEquals(List.of("b", "a", "c"), top.stream().map(LabelScore::label).toList());
    assertEquals(0.8807971f, top.get(0).score(), 1e-6f);
    assertEquals(0.5f, top.get(1).score(), 1e-6f);
  }

  private static void assertSameRanking(JsonNode expected, List<LabelScore> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < actual.size(); i++) {
      assertEquals(expected.get(i).get("label").asText(), actual.get(i).label());
      assertEquals(expected.get(i).get("score").floatValue(), actual.get(i).score(), 1e-4f);
    }
  }
}
