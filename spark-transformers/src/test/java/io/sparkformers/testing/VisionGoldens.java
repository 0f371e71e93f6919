package io.sparkformers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The vision goldens' checks on output rows, shared by the stage tests and the job's tests (through
 * the test jar): labels identical, scores within 1e-4, boxes within 1 px, mask IoU >= 0.99, depth
 * within 1e-3 relative (see assertDepth).
 */
public final class VisionGoldens {
  private VisionGoldens() {}

  /** The file name a golden case cites, e.g. img_40x56.png. */
  public static String imageName(JsonNode goldenCase) {
    return Path.of(goldenCase.get("image").asText()).getFileName().toString();
  }

  /** image-classification: array<struct<label,score>>. */
  public static void assertLabelScores(JsonNode expected, List<Row> actual, String where) {
    assertEquals(expected.size(), actual.size(), where);
    for (int k = 0; k < actual.size(); k++) {
      assertEquals(expected.get(k).get("label").asText(), actual.get(k).getString(0), where);
      assertEquals(expected.get(k).get("score").floatValue(), actual.get(k).getFloat(1), 1e-4, where);
    }
  }

  /** object-detection: array<struct<label,score,box>>. */
  public static void assertDetections(JsonNode expected, List<Row> detections, String where) {
    assertEquals(expected.size(), detections.size(), where);
    for (int k = 0; k < detections.size(); k++) {
      JsonNode want = expected.get(k);
      Row got = detections.get(k);
      assertEquals(want.get("label").asText(), got.getAs("label"), where);
      assertEquals(want.get("score").floatValue(), (float) got.getAs("score"), 1e-4, where);
      Row box = got.getAs("box");
      for (String side : List.of("xmin", "ymin", "xmax", "ymax")) {
        assertEquals(want.get("box").get(side).asInt(), (int) box.getAs(side), 1, where + " " + side);
      }
    }
  }

  /**
   * image-segmentation: labels and scores as the pipeline's; each mask against the reference map's
   * pixels of its segment: label ids for semantic (segmentsInfo null), segments_info ids for panoptic.
   */
  public static void assertSegments(JsonNode expected, JsonNode referenceMap, JsonNode segmentsInfo,
      List<String> labels, List<Row> actual, String where) {
    assertEquals(expected.size(), actual.size(), where);
    for (int k = 0; k < actual.size(); k++) {
      JsonNode want = expected.get(k);
      Row got = actual.get(k);
      assertEquals(want.get("label").asText(), got.getAs("label"), where);
      if (want.get("score").isNull()) {
        assertNull(got.getAs("score"), where);
      } else {
        assertEquals(want.get("score").floatValue(), (float) got.getAs("score"), 1e-4, where);
      }
      long id = segmentsInfo == null ? labels.indexOf(got.<String>getAs("label")) : segmentsInfo.get(k).get("id").asLong();
      GrayImages.assertMaskMatches(want.get("mask"), GrayImages.fromMap(referenceMap, id), got.getAs("mask"),
          where + " segment " + k);
    }
  }

  /**
   * depth-estimation: predicted_depth within 1e-3 relative, or 1e-6 of the map's largest value
   * (float noise near the zeros of a ReLU head whose map reaches thousands), the depth PNG as the
   * pipeline's image.
   */
  public static void assertDepth(JsonNode goldenCase, Row depth, String where) {
    Row raw = depth.getStruct(0);
    JsonNode expected = goldenCase.get("predicted_depth");
    assertEquals(expected.get("shape").get(1).asInt(), raw.getInt(0), where);
    assertEquals(expected.get("shape").get(2).asInt(), raw.getInt(1), where);
    float[] want = Fixtures.floats(expected);
    List<Float> got = raw.getList(2);
    assertEquals(want.length, got.size(), where);
    float largest = 0;
    for (float v : want) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got.get(i), Math.max(1e-3 * Math.abs(want[i]), 1e-6 * largest),
          where + " predicted_depth[" + i + "]");
    }
    JsonNode image = goldenCase.get("pipeline").get("depth_image");
    GrayImages.assertDepthMatches(goldenCase.get("pipeline").get("depth_image_summary"), (byte[]) depth.get(1),
        image.get("size_wh").get(0).asInt(), image.get("size_wh").get(1).asInt(), where);
  }
}
