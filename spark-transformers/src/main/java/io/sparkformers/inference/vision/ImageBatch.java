package io.sparkformers.inference.vision;

import io.sparkformers.inference.engine.Tensor;
import java.util.List;
import java.util.Map;

/** Collates processed images into the named inputs of a vision graph. */
public final class ImageBatch {
  public static final String PIXEL_VALUES = "pixel_values";
  public static final String PIXEL_MASK = "pixel_mask";

  private ImageBatch() {}

  /** {@code pixel_values} [N, 3, H, W] for images of one processed shape (ViT, ConvNext, SegFormer, GLPN). */
  public static Map<String, Tensor> stack(List<ProcessedImage> batch) {
    ProcessedImage first = first(batch);
    int plane = first.pixels().length;
    float[] data = new float[batch.size() * plane];
    for (int i = 0; i < batch.size(); i++) {
      ProcessedImage image = batch.get(i);
      if (image.height() != first.height() || image.width() != first.width()) {
        throw new IllegalArgumentException("cannot stack a " + image.width() + "x" + image.height()
            + " image with " + first.width() + "x" + first.height() + "; group rows by processed size, or pad");
      }
      System.arraycopy(image.pixels(), 0, data, i * plane, plane);
    }
    return Map.of(PIXEL_VALUES, Tensor.floats(data, batch.size(), 3, first.height(), first.width()));
  }

  /**
   * As DetrImageProcessor.pad: each image at the top-left of a zero canvas of the batch's largest
   * height and width, and {@code pixel_mask} [N, H, W] (int64) with 1 over real pixels.
   */
  public static Map<String, Tensor> pad(List<ProcessedImage> batch) {
    first(batch);
    int height = 0;
    int width = 0;
    for (ProcessedImage image : batch) {
      height = Math.max(height, image.height());
      width = Math.max(width, image.width());
    }
    int plane = height * width;
    float[] pixels = new float[batch.size() * 3 * plane];
    long[] mask = new long[batch.size() * plane];
    for (int i = 0; i < batch.size(); i++) {
      ProcessedImage image = batch.get(i);
      for (int y = 0; y < image.height(); y++) {
        for (int c = 0; c < 3; c++) {
          System.arraycopy(image.pixels(), (c * image.height() + y) * image.width(),
              pixels, ((i * 3 + c) * height + y) * width, image.width());
        }
        java.util.Arrays.fill(mask, i * plane + y * width, i * plane + y * width + image.width(), 1L);
      }
    }
    return Map.of(
        PIXEL_VALUES, Tensor.floats(pixels, batch.size(), 3, height, width),
        PIXEL_MASK, Tensor.longs(mask, batch.size(), height, width));
  }

  private static ProcessedImage first(List<ProcessedImage> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("empty batch");
    }
    return batch.get(0);
  }
}
