package io.sparkformers.inference.vision;

/**
 * The depth-estimation pipeline's output: {@code predicted_depth} as the model returned it and
 * {@code depth}, an 8-bit grayscale PNG of the original size.
 */
public record DepthEstimate(PredictedDepth predictedDepth, byte[] depth) {
  /** A row-major height x width depth map. */
  public record PredictedDepth(int height, int width, float[] data) {
    public PredictedDepth {
      if (data.length != height * width) {
        throw new IllegalArgumentException(height + "x" + width + " depth needs " + height * width + " values");
      }
    }
  }
}
