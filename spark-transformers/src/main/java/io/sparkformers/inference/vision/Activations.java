package io.sparkformers.inference.vision;

/** Softmax and sigmoid in float32, as the torch/numpy post-processing computes them. */
final class Activations {
  private Activations() {}

  /** Softmax of {@code in[from, from + n)} into {@code out[0, n)}, shifted by the max. */
  static void softmax(float[] in, int from, int n, float[] out) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, in[from + i]);
    }
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      out[i] = (float) Math.exp(in[from + i] - max);
      sum += out[i];
    }
    for (int i = 0; i < n; i++) {
      out[i] /= sum;
    }
  }

  static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }
}
