package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.GrayImages;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mask2Former's recorded query outputs give the reference semantic and panoptic results. */
class Mask2FormerOutputTest {
  private static final String FIXTURE = "image-segmentation-mask2former";
  private final List<String> labels = Fixtures.labels(FIXTURE);

  @Test
  void semanticMasksMatchThePipeline() {
    for (JsonNode goldenCase : Fixtures.golden(FIXTURE).get("cases")) {
      RgbImage original = Fixtures.image(goldenCase);
      SegmentationMap map = MaskQueriesOutput.semantic(queries(goldenCase), original.height(), original.width());
      List<Segment> segments = SegmentMasks.segments(map, labels);
      JsonNode expected = goldenCase.get("pipeline_semantic");
      String where = goldenCase.get("image").asText();
      assertEquals(expected.size(), segments.size(), where);
      for (int i = 0; i < segments.size(); i++) {
        Segment got = segments.get(i);
        assertEquals(expected.get(i).get("label").asText(), got.label(), where);
        assertNull(got.score());
        GrayImages.assertMaskMatches(expected.get(i).get("mask"),
            GrayImages.fromMap(goldenCase.get("semantic_segmentation_map"), labels.indexOf(got.label())), got.mask(),
            where + " " + got.label());
      }
    }
  }

  @Test
  void panopticSegmentsMatchThePipeline() {
    for (JsonNode goldenCase : Fixtures.golden(FIXTURE).get("cases")) {
      RgbImage original = Fixtures.image(goldenCase);
      // The settings the golden was recorded with: the random model scores no segment at the defaults.
      SegmentationMap map = MaskQueriesOutput.panoptic(queries(goldenCase), original.height(), original.width(),
          0f, 0.3f, 0f, Set.of());
      JsonNode reference = goldenCase.get("panoptic_threshold0_mask0.3_overlap0");
      JsonNode expectedInfo = reference.get("segments_info");
      String where = goldenCase.get("image").asText();
      assertEquals(expectedInfo.size(), map.segments().size(), where);
      for (int i = 0; i < expectedInfo.size(); i++) {
        SegmentInfo got = map.segments().get(i);
        assertEquals(expectedInfo.get(i).get("id").asInt(), got.id(), where);
        assertEquals(expectedInfo.get(i).get("label_id").asInt(), got.labelId(), where);
        assertEquals(expectedInfo.get(i).get("was_fused").asBoolean(), got.wasFused(), where);
        assertEquals(expectedInfo.get(i).get("score").floatValue(), got.score(), 1e-4f, where);
      }
      List<Segment> segments = SegmentMasks.segments(map, labels);
      JsonNode pipeline = goldenCase.get("pipeline_panoptic_threshold0_mask0.3_overlap0");
      for (int i = 0; i < segments.size(); i++) {
        assertEquals(pipeline.get(i).get("label").asText(), segments.get(i).label(), where);
        assertEquals(pipeline.get(i).get("score").floatValue(), segments.get(i).score(), 1e-4f, where);
        GrayImages.assertMaskMatches(pipeline.get(i).get("mask"),
            GrayImages.fromMap(reference.get("segmentation"), expectedInfo.get(i).get("id").asInt()), segments.get(i).mask(),
            where + " segment " + i);
      }
    }
  }

  @Test
  void panopticWithNoQueryAboveThresholdIsAllMinusOne() {
    JsonNode goldenCase = Fixtures.golden(FIXTURE).get("cases").get(0);
    SegmentationMap map = MaskQueriesOutput.panoptic(queries(goldenCase), 32, 32, 0.99f, 0.5f, 0.8f, Set.of());
    assertTrue(map.segments().isEmpty());
    assertTrue(Arrays.stream(map.segmentIds()).allMatch(id -> id == -1));
  }

  @Test
  void fusedLabelsShareOneSegmentId() {
    // In the first image four queries are "tree" (label 2); fusing that label makes them one id.
    JsonNode goldenCase = Fixtures.golden(FIXTURE).get("cases").get(0);
    SegmentationMap map = MaskQueriesOutput.panoptic(queries(goldenCase), 32, 32, 0f, 0.3f, 0f, Set.of(2));
    List<SegmentInfo> trees = map.segments().stream().filter(s -> s.labelId() == 2).toList();
    assertTrue(trees.size() > 1);
    assertTrue(trees.stream().allMatch(s -> s.wasFused() && s.id() == trees.get(0).id()));
  }

  @Test
  void instanceSegmentsAreNumberedFromZeroAndScoreAtLeastTheThreshold() {
    // No golden: transformers' instance path takes an unsorted topk. Invariants of its output.
    for (JsonNode goldenCase : Fixtures.golden(FIXTURE).get("cases")) {
      RgbImage original = Fixtures.image(goldenCase);
      SegmentationMap map = MaskQueriesOutput.instance(queries(goldenCase), original.height(), original.width(), 0.1f);
      assertFalse(map.segments().isEmpty());
      for (int i = 0; i < map.segments().size(); i++) {
        SegmentInfo info = map.segments().get(i);
        assertEquals(i, info.id());
        assertTrue(info.score() >= 0.1f);
        assertTrue(info.labelId() >= 0 && info.labelId() < labels.size());
      }
      int segmentCount = map.segments().size();
      assertTrue(Arrays.stream(map.segmentIds()).allMatch(id -> id >= -1 && id < segmentCount));
      assertTrue(MaskQueriesOutput.instance(queries(goldenCase), original.height(), original.width(), 1.01f)
          .segments().isEmpty());
    }
  }

  private static MaskQueries queries(JsonNode goldenCase) {
    int[] classShape = Fixtures.shape(goldenCase.get("class_queries_logits"));
    int[] maskShape = Fixtures.shape(goldenCase.get("masks_queries_logits"));
    return new MaskQueries(Fixtures.floats(goldenCase.get("class_queries_logits")),
        Fixtures.floats(goldenCase.get("masks_queries_logits")), classShape[1], classShape[2] - 1, maskShape[2], maskShape[3]).upsampled(384, 384); // as Mask2Former does first
  }
}
