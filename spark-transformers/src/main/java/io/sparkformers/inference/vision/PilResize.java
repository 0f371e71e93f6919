package io.sparkformers.inference.vision;

/**
 * {@code PIL.Image.resize} of an RGB image, bit for bit: what HF image processors call on the
 * uint8 image before rescaling. Convolution filters follow Pillow's {@code ImagingResample}: a
 * horizontal then a vertical pass of a kernel whose support grows with the downscale factor
 * (antialiasing), 22-bit fixed-point weights, and a uint8 rounding and clipping between passes.
 * NEAREST follows Pillow's affine scaling path.
 */
public final class PilResize {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private PilResize() {}

  public static RgbImage resize(RgbImage image, int width, int height, Resampling filter) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("cannot resize to " + width + "x" + height);
    }
    if (width == image.width() && height == image.height()) {
      return image; // Image.resize returns a copy; our images are never mutated
    }
    if (filter == Resampling.NEAREST) {
      return nearest(image, width, height);
    }
    RgbImage out = image;
    if (width != image.width()) {
      out = horizontal(out, width, coefficients(image.width(), width, filter));
    }
    if (height != image.height()) {
      out = vertical(out, height, coefficients(image.height(), height, filter));
    }
    return out;
  }

  /** Per output pixel: first source index and fixed-point weights, one per tap (Pillow's precompute_coeffs). */
  private record Coefficients(int[] first, int[][] weights) {}

  private static Coefficients coefficients(int inSize, int outSize, Resampling filter) {
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = filter.support() * filterScale;
    int[] first = new int[outSize];
    int[][] weights = new int[outSize][];
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      double ss = 1.0 / filterScale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
      double[] k = new double[xmax];
      double ww = 0.0;
      for (int x = 0; x < xmax; x++) {
        k[x] = filter.weight((x + xmin - center + 0.5) * ss);
        ww += k[x];
      }
      int[] fixed = new int[xmax];
      for (int x = 0; x < xmax; x++) {
        double w = ww != 0.0 ? k[x] / ww : k[x];
        // normalize_coeffs_8bpc: round half away from zero into 22 fractional bits
        fixed[x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS)) : (int) (0.5 + w * (1 << PRECISION_BITS));
      }
      first[xx] = xmin;
      weights[xx] = fixed;
    }
    return new Coefficients(first, weights);
  }

  /**
   * The three channels of an output pixel accumulate in one pass over the taps, as Pillow's
   * ImagingResampleHorizontal_8bpc does: each source pixel is read once, not once per channel.
   */
  private static RgbImage horizontal(RgbImage in, int outWidth, Coefficients c) {
    int h = in.height();
    int inWidth = in.width();
    byte[] src = in.pixels();
    byte[] dst = new byte[3 * outWidth * h];
    int o = 0;
    for (int y = 0; y < h; y++) {
      int row = y * inWidth;
      for (int xx = 0; xx < outWidth; xx++) {
        int[] k = c.weights()[xx];
        int i = (row + c.first()[xx]) * 3;
        int ss0 = 1 << (PRECISION_BITS - 1);
        int ss1 = ss0;
        int ss2 = ss0;
        for (int x = 0; x < k.length; x++, i += 3) {
          ss0 += (src[i] & 0xFF) * k[x];
          ss1 += (src[i + 1] & 0xFF) * k[x];
          ss2 += (src[i + 2] & 0xFF) * k[x];
        }
        dst[o++] = clip8(ss0);
        dst[o++] = clip8(ss1);
        dst[o++] = clip8(ss2);
      }
    }
    return new RgbImage(outWidth, h, dst);
  }

  /** Per output row, the taps walk whole source rows in memory order (Pillow's ImagingResampleVertical_8bpc, by row). */
  private static RgbImage vertical(RgbImage in, int outHeight, Coefficients c) {
    int stride = 3 * in.width();
    byte[] src = in.pixels();
    byte[] dst = new byte[stride * outHeight];
    int[] sums = new int[stride];
    for (int yy = 0; yy < outHeight; yy++) {
      int[] k = c.weights()[yy];
      java.util.Arrays.fill(sums, 1 << (PRECISION_BITS - 1));
      for (int y = 0, i = c.first()[yy] * stride; y < k.length; y++, i += stride) {
        int weight = k[y];
        for (int x = 0; x < stride; x++) {
          sums[x] += (src[i + x] & 0xFF) * weight;
        }
      }
      for (int x = 0, o = yy * stride; x < stride; x++) {
        dst[o + x] = clip8(sums[x]);
      }
    }
    return new RgbImage(in.width(), outHeight, dst);
  }

  private static byte clip8(int fixed) {
    int v = fixed >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  /**
   * Pillow's ImagingScaleAffine: source coordinate {@code (x + 0.5) * scale}, accumulated in
   * doubles step by step as Pillow does, then truncated.
   */
  private static RgbImage nearest(RgbImage in, int width, int height) {
    int[] xs = sourceIndices(in.width(), width);
    int[] ys = sourceIndices(in.height(), height);
    byte[] src = in.pixels();
    byte[] dst = new byte[3 * width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        System.arraycopy(src, (ys[y] * in.width() + xs[x]) * 3, dst, (y * width + x) * 3, 3);
      }
    }
    return new RgbImage(width, height, dst);
  }

  private static int[] sourceIndices(int inSize, int outSize) {
    double step = (double) inSize / outSize;
    double position = step * 0.5;
    int[] indices = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      indices[i] = Math.min((int) position, inSize - 1);
      position += step;
    }
    return indices;
  }
}
