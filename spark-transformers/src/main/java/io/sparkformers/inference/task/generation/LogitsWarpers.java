package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The warpers transformers applies before sampling, in its order (GenerationMixin._get_logits_warper,
 * 4.38): temperature, top-k, top-p.
 */
final class LogitsWarpers {
  private LogitsWarpers() {}

  static List<LogitsProcessor> of(GenerationConfig c) {
    List<LogitsProcessor> out = new ArrayList<>();
    if (c.temperature() != 1.0) out.add(new Temperature((float) c.temperature()));
    if (c.topK() != 0) out.add(new TopK(c.topK()));
    if (c.topP() < 1.0) out.add(new TopP((float) c.topP()));
    return out;
  }

  record Temperature(float temperature) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      for (int i = 0; i < scores.length; i++) scores[i] /= temperature;
    }
  }

  /** Keeps the k best scores (and any tied with the k-th), as TopKLogitsWarper. */
  record TopK(int k) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      if (k >= scores.length) return;
      float[] sorted = scores.clone();
      Arrays.sort(sorted);
      float kth = sorted[sorted.length - k];
      for (int i = 0; i < scores.length; i++) if (scores[i] < kth) scores[i] = Float.NEGATIVE_INFINITY;
    }
  }

  /**
   * Keeps the smallest set of best tokens whose probability reaches top_p, as TopPLogitsWarper:
   * tokens are removed from the least likely up while the probability left out stays <= 1 - top_p,
   * and the best token always stays.
   */
  record TopP(float p) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      Integer[] order = new Integer[scores.length];
      for (int i = 0; i < order.length; i++) order[i] = i;
      Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
      float[] probs = Scores.softmax(scores);
      float cumulative = 0;
      for (int r = 0; r < order.length - 1; r++) {
        cumulative += probs[order[r]];
        if (cumulative > 1 - p) break;
        scores[order[r]] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
