package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DETR's recorded logits and boxes give the object-detection pipeline's output. */
class ObjectDetectionOutputTest {
  private static final String FIXTURE = "object-detection-detr";

  @Test
  void detectionsMatchThePipelineAtThresholdZero() {
    List<String> labels = Fixtures.labels(FIXTURE);
    for (JsonNode goldenCase : Fixtures.golden(FIXTURE).get("cases")) {
      List<Detection> detections = detect(goldenCase, labels, 0f);
      JsonNode expected = goldenCase.get("pipeline_threshold0");
      assertEquals(expected.size(), detections.size());
      for (int i = 0; i < detections.size(); i++) {
        JsonNode want = expected.get(i);
        Detection got = detections.get(i);
        assertEquals(want.get("label").asText(), got.label());
        assertEquals(want.get("score").floatValue(), got.score(), 1e-4f);
        JsonNode box = want.get("box");
        assertEquals(box.get("xmin").asInt(), got.box().xmin(), 1);
        assertEquals(box.get("ymin").asInt(), got.box().ymin(), 1);
        assertEquals(box.get("xmax").asInt(), got.box().xmax(), 1);
        assertEquals(box.get("ymax").asInt(), got.box().ymax(), 1);
      }
    }
  }

  @Test
  void defaultThresholdKeepsOnlyScoresAboveHalf() {
    List<String> labels = Fixtures.labels(FIXTURE);
    for (JsonNode goldenCase : Fixtures.golden(FIXTURE).get("cases")) {
      long expected = 0;
      for (JsonNode d : goldenCase.get("pipeline_threshold0")) {
        expected += d.get("score").floatValue() > 0.5f ? 1 : 0;
      }
      List<Detection> detections = detect(goldenCase, labels, ObjectDetectionOutput.DEFAULT_THRESHOLD);
      assertEquals(expected, detections.size());
      assertTrue(detections.stream().allMatch(d -> d.score() > 0.5f));
    }
  }

  private static List<Detection> detect(JsonNode goldenCase, List<String> labels, float threshold) {
    RgbImage original = Fixtures.image(goldenCase);
    return ObjectDetectionOutput.detections(Fixtures.floats(goldenCase.get("logits")),
        Fixtures.floats(goldenCase.get("pred_boxes")), labels, original.height(), original.width(), threshold);
  }
}
