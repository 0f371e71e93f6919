package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.Features;

/**
 * One image as an HF image processor returns it: {@code pixel_values} for one row, channels first
 * ([3, height, width], row-major), plus the size of the decoded image, which post-processing scales
 * boxes, masks and depth back to (the pipelines' {@code target_size}).
 */
public record ProcessedImage(float[] pixels, int height, int width, int originalHeight, int originalWidth)
    implements Features {
  public ProcessedImage {
    if (pixels.length != 3L * height * width) {
      throw new IllegalArgumentException(
          "[3, " + height + ", " + width + "] needs " + 3L * height * width + " values, got " + pixels.length);
    }
  }

  /** Pixels the model sees: the batch budget's unit. */
  @Override
  public long cost() {
    return (long) height * width;
  }
}
