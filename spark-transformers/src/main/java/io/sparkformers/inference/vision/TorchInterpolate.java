package io.sparkformers.inference.vision;

/**
 * {@code torch.nn.functional.interpolate} with {@code align_corners=False} over planes of a
 * row-major [planes, inHeight, inWidth] float array, as the HF post-processors call it on
 * logits, mask logits and depth. Arithmetic is float32 like PyTorch's CPU kernels.
 */
public final class TorchInterpolate {
  private static final float CUBIC_A = -0.75f;

  private TorchInterpolate() {}

  /** mode="bilinear": source {@code (dst + 0.5) * in/out - 0.5}, clamped at 0, edge-replicated. */
  public static float[] bilinear(float[] in, int planes, int inH, int inW, int outH, int outW) {
    int[] y0 = new int[outH];
    int[] y1 = new int[outH];
    float[] ly = new float[outH];
    linearTaps(inH, outH, y0, y1, ly);
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] lx = new float[outW];
    linearTaps(inW, outW, x0, x1, lx);
    float[] out = new float[planes * outH * outW];
    for (int p = 0; p < planes; p++) {
      int base = p * inH * inW;
      for (int y = 0; y < outH; y++) {
        int r0 = base + y0[y] * inW;
        int r1 = base + y1[y] * inW;
        float h1 = ly[y];
        float h0 = 1.0f - h1;
        for (int x = 0; x < outW; x++) {
          float w1 = lx[x];
          float w0 = 1.0f - w1;
          out[(p * outH + y) * outW + x] =
              h0 * (w0 * in[r0 + x0[x]] + w1 * in[r0 + x1[x]]) + h1 * (w0 * in[r1 + x0[x]] + w1 * in[r1 + x1[x]]);
        }
      }
    }
    return out;
  }

  private static void linearTaps(int in, int out, int[] i0, int[] i1, float[] lambda) {
    float scale = (float) in / out;
    for (int d = 0; d < out; d++) {
      float src = Math.max(sourceIndex(scale, d), 0.0f);
      i0[d] = (int) src;
      i1[d] = i0[d] + (i0[d] < in - 1 ? 1 : 0);
      lambda[d] = src - i0[d];
    }
  }

  /**
   * area_pixel_compute_source_index: {@code scale * (dst + 0.5) - 0.5}, where {@code dst + 0.5}
   * is a double in C++, so the expression is evaluated in double and rounded once to float.
   */
  private static float sourceIndex(float scale, int dst) {
    return (float) (scale * (dst + 0.5) - 0.5);
  }

  /** mode="bicubic": Keys kernel with A = -0.75 over 4x4 taps, indices clamped to the edges. */
  public static float[] bicubic(float[] in, int planes, int inH, int inW, int outH, int outW) {
    float scaleY = (float) inH / outH;
    float scaleX = (float) inW / outW;
    float[] out = new float[planes * outH * outW];
    float[] wy = new float[4];
    float[] wx = new float[4];
    for (int p = 0; p < planes; p++) {
      int base = p * inH * inW;
      for (int y = 0; y < outH; y++) {
        float realY = sourceIndex(scaleY, y);
        int iy = (int) Math.floor(realY);
        cubicWeights(realY - iy, wy);
        for (int x = 0; x < outW; x++) {
          float realX = sourceIndex(scaleX, x);
          int ix = (int) Math.floor(realX);
          cubicWeights(realX - ix, wx);
          float value = 0f;
          for (int i = 0; i < 4; i++) {
            int row = base + clamp(iy - 1 + i, inH) * inW;
            float rowValue = 0f;
            for (int j = 0; j < 4; j++) {
              rowValue += wx[j] * in[row + clamp(ix - 1 + j, inW)];
            }
            value += wy[i] * rowValue;
          }
          out[(p * outH + y) * outW + x] = value;
        }
      }
    }
    return out;
  }

  /** get_cubic_upsample_coefficients, with its float roundings ({@code x2} is rounded before {@code + 1}). */
  private static void cubicWeights(float t, float[] w) {
    w[0] = cubicFar(t + 1.0f);
    w[1] = cubicNear(t);
    float x2 = 1.0f - t;
    w[2] = cubicNear(x2);
    w[3] = cubicFar(x2 + 1.0f);
  }

  private static float cubicNear(float x) {
    return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
  }

  private static float cubicFar(float x) {
    return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
  }

  /** mode="nearest": source {@code floor(dst * in/out)}. */
  public static float[] nearest(float[] in, int planes, int inH, int inW, int outH, int outW) {
    float scaleY = (float) inH / outH;
    float scaleX = (float) inW / outW;
    float[] out = new float[planes * outH * outW];
    for (int p = 0; p < planes; p++) {
      for (int y = 0; y < outH; y++) {
        int sy = Math.min((int) Math.floor(y * scaleY), inH - 1);
        for (int x = 0; x < outW; x++) {
          int sx = Math.min((int) Math.floor(x * scaleX), inW - 1);
          out[(p * outH + y) * outW + x] = in[(p * inH + sy) * inW + sx];
        }
      }
    }
    return out;
  }

  private static int clamp(int i, int size) {
    return Math.max(0, Math.min(i, size - 1));
  }
}
