package io.sparkformers.inference.task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Logits to ranked labels, as the HF classification pipelines do: the function to apply defaults
 * from problem_type and the label count, and top_k keeps the best (all when negative).
 */
public final class ClassScores {
  public enum Function { SOFTMAX, SIGMOID, NONE }

  private ClassScores() {}

  public static Function parse(String name) {
    try {
      return Function.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("function_to_apply must be softmax, sigmoid or none, got '" + name + "'");
    }
  }

  /** HF's default: sigmoid for multi-label or single-logit heads, none for regression, else softmax. */
  public static Function defaultFor(String problemType, int numLabels) {
    if ("multi_label_classification".equals(problemType) || numLabels == 1) return Function.SIGMOID;
    if ("regression".equals(problemType)) return Function.NONE;
    return Function.SOFTMAX;
  }

  /** Scores of row {@code row} of a [rows, numLabels] logits array. */
  public static float[] apply(Function f, float[] logits, int row, int numLabels) {
    float[] out = new float[numLabels];
    int base = row * numLabels;
    switch (f) {
      case SOFTMAX: {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < numLabels; i++) max = Math.max(max, logits[base + i]);
        double sum = 0;
        for (int i = 0; i < numLabels; i++) sum += Math.exp(logits[base + i] - max);
        for (int i = 0; i < numLabels; i++) out[i] = (float) (Math.exp(logits[base + i] - max) / sum);
        return out;
      }
      case SIGMOID:
        for (int i = 0; i < numLabels; i++) out[i] = sigmoid(logits[base + i]);
        return out;
      default:
        System.arraycopy(logits, base, out, 0, numLabels);
        return out;
    }
  }

  public static float sigmoid(float x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }

  /** The {@code topK} best labels, best first; every label when topK is negative. */
  public static List<LabelScore> top(float[] scores, List<String> labels, int topK) {
    List<LabelScore> all = new ArrayList<>(scores.length);
    for (int i = 0; i < scores.length; i++) {
      all.add(new LabelScore(i < labels.size() ? labels.get(i) : "LABEL_" + i, scores[i]));
    }
    all.sort(Comparator.comparingDouble((LabelScore s) -> s.score()).reversed());
    return topK < 0 || topK >= all.size() ? all : new ArrayList<>(all.subList(0, topK));
  }
}
