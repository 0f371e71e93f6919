package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.InvalidInputException;

/**
 * An HF image processor's {@code preprocess} for one image, in its order: resize (PIL, on the
 * uint8 image), center crop, rescale, normalize, flip the channel order, pad, channels first.
 * Which steps run and with what settings comes from {@code preprocessor_config.json}; see
 * {@link ImageProcessors}. Immutable.
 */
public final class ImageProcessor {
  /**
   * @param resize target size rule, or null for no resize
   * @param crop center crop {height, width}, or null
   * @param rescaleFactor multiplier applied to uint8 values, or null for none
   * @param rescaleOffset subtract 1 after rescaling (EfficientNet's rescale_offset)
   * @param mean per-channel normalisation mean, or null for no normalisation (then std too)
   * @param topStd a second division by these (EfficientNet's include_top), or null
   * @param flipChannelOrder RGB to BGR (MobileViT's do_flip_channel_order)
   * @param padDivisor center zero-padding of each side up to a multiple of this (DPT); 0 for none
   */
  public record Recipe(ResizePolicy resize, Resampling resample, int[] crop, Double rescaleFactor,
      boolean rescaleOffset, float[] mean, float[] std, float[] topStd, boolean flipChannelOrder, int padDivisor) {
    public Recipe {
      if ((mean == null) != (std == null) || (mean != null && (mean.length != 3 || std.length != 3))
          || (topStd != null && topStd.length != 3)) {
        throw new IllegalArgumentException("image_mean and image_std must both be given, with 3 values each");
      }
      crop = crop == null ? null : crop.clone();
    }
  }

  private final Recipe recipe;

  public ImageProcessor(Recipe recipe) {
    this.recipe = recipe;
  }

  public ProcessedImage process(RgbImage image) {
    RgbImage resized = image;
    if (recipe.resize() != null) {
      int[] size = recipe.resize().outputSize(image.height(), image.width());
      if (size[0] <= 0 || size[1] <= 0) {
        throw new InvalidInputException("image of " + image.width() + "x" + image.height()
            + " is too small for this processor (target " + size[1] + "x" + size[0] + ")");
      }
      resized = PilResize.resize(image, size[1], size[0], recipe.resample());
    }
    int top = 0;
    int left = 0;
    int height = resized.height();
    int width = resized.width();
    int[] crop = recipe.crop();
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
    float[] pixels = channelsFirst(resized, top, left, height, width);
    if (recipe.padDivisor() > 0) {
      int paddedHeight = ceilTo(height, recipe.padDivisor());
      int paddedWidth = ceilTo(width, recipe.padDivisor());
      pixels = centerPad(pixels, height, width, paddedHeight, paddedWidth);
      height = paddedHeight;
      width = paddedWidth;
    }
    return new ProcessedImage(pixels, height, width, image.height(), image.width());
  }

  /**
   * Rescale then normalize as image_transforms does: {@code uint8 * factor} in float64 cast to
   * float32, then {@code (x - mean) / std} in float32.
   */
  private float[] channelsFirst(RgbImage image, int top, int left, int height, int width) {
    float[] out = new float[3 * height * width];
    Double factor = recipe.rescaleFactor();
    float[] mean = recipe.mean();
    float[] std = recipe.std();
    float[] topStd = recipe.topStd();
    for (int c = 0; c < 3; c++) {
      int source = recipe.flipChannelOrder() ? 2 - c : c;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int v = image.sample(left + x, top + y, source);
          float f = factor != null ? (float) (v * factor) : v;
          if (recipe.rescaleOffset()) {
            f -= 1f;
          }
          if (mean != null) {
            f = (f - mean[source]) / std[source];
          }
          if (topStd != null) {
            f /= topStd[source];
          }
          out[(c * height + y) * width + x] = f;
        }
      }
    }
    return out;
  }

  /** DPTImageProcessor.pad_image: zeros split evenly around each side, the odd one after. */
  private static float[] centerPad(float[] pixels, int height, int width, int paddedHeight, int paddedWidth) {
    float[] out = new float[3 * paddedHeight * paddedWidth];
    int top = (paddedHeight - height) / 2;
    int left = (paddedWidth - width) / 2;
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < height; y++) {
        System.arraycopy(pixels, (c * height + y) * width, out, (c * paddedHeight + top + y) * paddedWidth + left, width);
      }
    }
    return out;
  }

  private static int ceilTo(int value, int divisor) {
    return (value + divisor - 1) / divisor * divisor;
  }
}
