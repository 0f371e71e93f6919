package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.GrayImages;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SegFormer's recorded logits give the pipeline's semantic masks. */
class SemanticSegmentationOutputTest {
  private static final String FIXTURE = "image-segmentation-segformer";

  @Test
  void oneMaskPerLabelPresentAsThePipeline() {
    List<String> labels = Fixtures.labels(FIXTURE);
    for (JsonNode goldenCase : Fixtures.golden(FIXTURE).get("cases")) {
      String where = goldenCase.get("image").asText();
      RgbImage original = Fixtures.image(goldenCase);
      int[] shape = Fixtures.shape(goldenCase.get("logits"));
      SegmentationMap map = SemanticSegmentationOutput.fromLogits(Fixtures.floats(goldenCase.get("logits")),
          shape[1], shape[2], shape[3], original.height(), original.width());
      List<Segment> segments = SegmentMasks.segments(map, labels);

      JsonNode expected = goldenCase.get("pipeline_semantic");
      assertEquals(expected.size(), segments.size(), where);
      for (int i = 0; i < segments.size(); i++) {
        JsonNode want = expected.get(i);
        Segment got = segments.get(i);
        assertEquals(want.get("label").asText(), got.label(), where);
        assertNull(got.score());
        int labelId = labels.indexOf(got.label());
        GrayImages.assertMaskMatches(want.get("mask"), GrayImages.fromMap(goldenCase.get("segmentation_map"), labelId), got.mask(),
            where + " " + got.label());
      }
    }
  }
}
