package io.sparkformers.inference.vision;

/**
 * PIL's resampling filters ({@code PIL.Image.Resampling}), under the integer codes that
 * {@code preprocessor_config.json} stores as {@code resample}. Kernels and supports are those of
 * Pillow's {@code Resample.c}.
 */
public enum Resampling {
  NEAREST(0, 0.0),
  LANCZOS(1, 3.0),
  BILINEAR(2, 1.0),
  BICUBIC(3, 2.0),
  BOX(4, 0.5),
  HAMMING(5, 1.0);

  private final int code;
  private final double support;

  Resampling(int code, double support) {
    this.code = code;
    this.support = support;
  }

  /** The filter for a {@code resample} value of a processor config. */
  public static Resampling fromCode(int code) {
    for (Resampling r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown PIL resample code " + code + " (expected 0..5)");
  }

  /** Half-width of the kernel at scale 1; widened by the downscale factor, which is PIL's antialiasing. */
  double support() {
    return support;
  }

  /** The kernel weight at distance {@code x} (in source pixels at scale 1). */
  double weight(double x) {
    switch (this) {
      case BOX:
        return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
      case BILINEAR:
        x = Math.abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
      case HAMMING:
        x = Math.abs(x);
        if (x == 0.0) {
          return 1.0;
        }
        if (x >= 1.0) {
          return 0.0;
        }
        x *= Math.PI;
        return Math.sin(x) / x * (0.54f + 0.46f * Math.cos(x)); // float constants as in Pillow
      case BICUBIC: {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
          return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        return x < 2.0 ? (((x - 5) * x + 8) * x - 4) * a : 0.0;
      }
      case LANCZOS:
        return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
      default:
        throw new IllegalStateException(this + " is not a convolution filter");
    }
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    x *= Math.PI;
    return Math.sin(x) / x;
  }
}
