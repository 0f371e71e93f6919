package io.sparkformers.inference.vision;

/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved R,G,B: the memory layout of a PIL
 * image in mode "RGB", which is what transformers' {@code load_image} hands to every image
 * processor.
 */
public record RgbImage(int width, int height, byte[] pixels) {
  public RgbImage {
    if (width <= 0 || height <= 0 || pixels.length != 3L * width * height) {
      throw new IllegalArgumentException(
          "an RGB image of " + width + "x" + height + " needs " + 3L * width * height
              + " bytes, got " + pixels.length);
    }
  }

  /** Channel {@code c} of the pixel at column {@code x}, row {@code y}, as 0..255. */
  public int sample(int x, int y, int c) {
    return pixels[(y * width + x) * 3 + c] & 0xFF;
  }
}
