package io.sparkformers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Embeddings as tests compare them: whole vectors, by cosine. */
public final class Vectors {
  private Vectors() {}

  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException(a.length + " vs " + b.length + " dimensions");
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** An array column's value (Row.getList) as floats. */
  public static float[] floats(List<?> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) out[i] = ((Number) values.get(i)).floatValue();
    return out;
  }

  /**
   * Every number of a vector against a golden's, within the fixtures' tolerance for ONNX against
   * PyTorch: |a - b| <= 1e-4 + 1e-3 |b|.
   */
  public static void assertMatchesGolden(JsonNode expected, float[] actual, String what) {
    if (expected.size() != actual.length) {
      throw new AssertionError(what + ": " + actual.length + " dimensions, the golden has " + expected.size());
    }
    for (int d = 0; d < actual.length; d++) {
      double b = expected.get(d).doubleValue();
      if (Math.abs(actual[d] - b) > 1e-4 + 1e-3 * Math.abs(b)) {
        throw new AssertionError(what + ", dim " + d + ": " + actual[d] + ", the golden has " + b);
      }
    }
  }
}
