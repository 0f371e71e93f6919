package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.InvalidInputException;

/**
 * An HF image processor's {@code preprocess} for one image, in its order: resize (PIL, on the
 * uint8 image), center crop, rescale, normalize, channels first. Which steps run and with what
 * settings comes from {@code preprocessor_config.json}; see {@link ImageProcessors}. Immutable.
 */
public final class ImageProcessor {
  private final ResizePolicy resize;
  private final Resampling resample;
  private final int[] crop;
  private final Double rescaleFactor;
  private final float[] mean;
  private final float[] std;

  /**
   * @param resize target size rule, or null for no resize
   * @param crop center crop {height, width}, or null
   * @param rescaleFactor multiplier applied to uint8 values, or null for none
   * @param mean per-channel normalisation mean, or null for no normalisation (then std too)
   */
  public ImageProcessor(ResizePolicy resize, Resampling resample, int[] crop, Double rescaleFactor,
      float[] mean, float[] std) {
    if ((mean == null) != (std == null) || (mean != null && (mean.length != 3 || std.length != 3))) {
      throw new IllegalArgumentException("image_mean and image_std must both be given, with 3 values each");
    }
    this.resize = resize;
    this.resample = resample;
    this.crop = crop == null ? null : crop.clone();
    this.rescaleFactor = rescaleFactor;
    this.mean = mean == null ? null : mean.clone();
    this.std = std == null ? null : std.clone();
  }

  public ProcessedImage process(RgbImage image) {
    RgbImage resized = image;
    if (resize != null) {
      int[] size = resize.outputSize(image.height(), image.width());
      if (size[0] <= 0 || size[1] <= 0) {
        throw new InvalidInputException("image of " + image.width() + "x" + image.height()
            + " is too small for this processor (target " + size[1] + "x" + size[0] + ")");
      }
      resized = PilResize.resize(image, size[1], size[0], resample);
    }
    int top = 0;
    int left = 0;
    int height = resized.height();
    int width = resized.width();
    if (crop != null) {
      if (crop[0] > height || crop[1] > width) {
        throw new InvalidInputException("cannot center-crop " + width + "x" + height + " to " + crop[1] + "x" + crop[0]);
      }
      // image_transforms.center_crop: the offset rounds down
      top = (height - crop[0]) / 2;
      left = (width - crop[1]) / 2;
      height = crop[0];
      width = crop[1];
    }
    return new ProcessedImage(channelsFirst(resized, top, left, height, width), height, width, image.height(), image.width());
  }

  /**
   * Rescale then normalize as image_transforms does: {@code uint8 * factor} in float64 cast to
   * float32, then {@code (x - mean) / std} in float32.
   */
  private float[] channelsFirst(RgbImage image, int top, int left, int height, int width) {
    float[] out = new float[3 * height * width];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int v = image.sample(left + x, top + y, c);
          float f = rescaleFactor != null ? (float) (v * rescaleFactor) : v;
          if (mean != null) {
            f = (f - mean[c]) / std[c];
          }
          out[(c * height + y) * width + x] = f;
        }
      }
    }
    return out;
  }
}
