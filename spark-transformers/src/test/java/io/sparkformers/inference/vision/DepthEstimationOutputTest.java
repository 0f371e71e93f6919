package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.GrayImages;
import org.junit.jupiter.api.Test;

/** GLPN's recorded predicted_depth gives the pipeline's depth image. */
class DepthEstimationOutputTest {
  private static final String FIXTURE = "depth-estimation-glpn";

  @Test
  void depthImageMatchesThePipeline() {
    for (JsonNode goldenCase : Fixtures.golden(FIXTURE).get("cases")) {
      String where = goldenCase.get("image").asText();
      RgbImage original = Fixtures.image(goldenCase);
      int[] shape = Fixtures.shape(goldenCase.get("predicted_depth"));
      float[] raw = Fixtures.floats(goldenCase.get("predicted_depth"));
      DepthEstimate estimate = DepthEstimationOutput.estimate(raw, shape[1], shape[2], original.height(), original.width());

      // predicted_depth is the model's map, unresized (transformers 4.38 pipeline)
      assertEquals(shape[1], estimate.predictedDepth().height());
      assertEquals(shape[2], estimate.predictedDepth().width());
      assertArrayEquals(raw, estimate.predictedDepth().data());

      GrayImages.assertDepthMatches(goldenCase.get("pipeline").get("depth_image_summary"), estimate.depth(),
          original.width(), original.height(), where);
    }
  }
}
