package io.sparkformers.inference.vision;

/**
 * DepthEstimationPipeline.postprocess (transformers 4.38): {@code predicted_depth} is returned as
 * the model gave it; the {@code depth} image is that map bicubically resized
 * (align_corners=False) to the original size, scaled by {@code 255 / max} and cast to uint8.
 */
public final class DepthEstimationOutput {
  private DepthEstimationOutput() {}

  /** @param predictedDepth one image's {@code predicted_depth}, [height, width] */
  public static DepthEstimate estimate(float[] predictedDepth, int height, int width, int originalHeight, int originalWidth) {
    byte[] gray = depthImage(predictedDepth, height, width, originalHeight, originalWidth);
    return new DepthEstimate(new DepthEstimate.PredictedDepth(height, width, predictedDepth.clone()),
        GrayPng.encode(gray, originalWidth, originalHeight));
  }

  /** The uint8 samples of the {@code depth} image, row-major. */
  static byte[] depthImage(float[] predictedDepth, int height, int width, int originalHeight, int originalWidth) {
    float[] resized = TorchInterpolate.bicubic(predictedDepth, 1, height, width, originalHeight, originalWidth);
    float max = Float.NEGATIVE_INFINITY;
    for (float v : resized) {
      max = Math.max(max, v);
    }
    byte[] gray = new byte[resized.length];
    for (int i = 0; i < resized.length; i++) {
      // (output * 255 / np.max(output)).astype("uint8"): float32 math, truncation toward zero
      gray[i] = (byte) (int) (resized[i] * 255f / max);
    }
    return gray;
  }
}
