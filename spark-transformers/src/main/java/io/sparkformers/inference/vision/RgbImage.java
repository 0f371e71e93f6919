package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.InvalidInputException;

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

  /**
   * From OpenCV's interleaved 8-bit layout (CV_8UC1 gray, CV_8UC3 BGR, CV_8UC4 BGRA), which
   * Spark's image data source stores; gray is replicated and alpha dropped, as PIL's
   * {@code convert("RGB")} does.
   */
  public static RgbImage fromOpenCv(int width, int height, int channels, byte[] data) {
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4)
        || data == null || data.length != (long) width * height * channels) {
      // Spark's image source marks a file it could not decode with -1 sizes and empty data.
      throw new InvalidInputException("not a decoded image: " + width + "x" + height + " with " + channels
          + " channels and " + (data == null ? 0 : data.length) + " bytes");
    }
    byte[] rgb = new byte[3 * width * height];
    for (int i = 0, o = 0; o < rgb.length; i += channels, o += 3) {
      if (channels == 1) {
        rgb[o] = rgb[o + 1] = rgb[o + 2] = data[i];
      } else {
        rgb[o] = data[i + 2];
        rgb[o + 1] = data[i + 1];
        rgb[o + 2] = data[i];
      }
    }
    return new RgbImage(width, height, rgb);
  }

  /** Channel {@code c} of the pixel at column {@code x}, row {@code y}, as 0..255. */
  public int sample(int x, int y, int c) {
    return pixels[(y * width + x) * 3 + c] & 0xFF;
  }
}
