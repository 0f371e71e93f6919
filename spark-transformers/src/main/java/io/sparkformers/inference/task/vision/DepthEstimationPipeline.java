package io.sparkformers.inference.task.vision;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.vision.DepthEstimate;
import io.sparkformers.inference.vision.DepthEstimationOutput;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ProcessedImage;
import java.util.Map;

/**
 * depth-estimation, as transformers' DepthEstimationPipeline (4.38): the model's
 * {@code predicted_depth} as it is, and an 8-bit depth image at the original size. The
 * post-processing is the pipeline's own, so any graph with a predicted_depth output serves.
 */
public final class DepthEstimationPipeline extends ImagePipeline<DepthEstimate> {
  private static final String DEPTH = "predicted_depth";

  public DepthEstimationPipeline(ModelSpec.Model model, ImageDecoder decoder) {
    super(model, decoder, DEPTH);
  }

  /** predicted_depth is [batch, height, width]. */
  @Override
  protected DepthEstimate postprocess(ProcessedImage image, Map<String, Tensor> outputs, int row) {
    Tensor depth = outputs.get(DEPTH);
    return DepthEstimationOutput.estimate(row(depth, row), depth.dim(-2), depth.dim(-1),
        image.originalHeight(), image.originalWidth());
  }
}
