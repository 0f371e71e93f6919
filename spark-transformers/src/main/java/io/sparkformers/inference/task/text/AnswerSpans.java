package io.sparkformers.inference.task.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The best answer spans of one window, as transformers 4.38 {@code select_starts_ends} and {@code
 * decode_spans} (pipelines/question_answering.py) find them.
 */
final class AnswerSpans {
  private AnswerSpans() {}

  /** A span of tokens {@code [start, end]} (end inclusive) and its probability. */
  record Span(int start, int end, float score) {}

  /**
   * @param spans the best spans, highest score first, at most top_k
   * @param nullScore start x end probability of the CLS token, the score of "no answer"
   */
  record Selection(List<Span> spans, double nullScore) {}

  static Selection select(
      float[] startLogits,
      float[] endLogits,
      boolean[] pMask,
      long[] attentionMask,
      int topK,
      int maxAnswerLen) {
    int length = pMask.length;
    if (startLogits.length != length || endLogits.length != length) {
      throw new IllegalArgumentException(
          "expected "
              + length
              + " start and end logits, got "
              + startLogits.length
              + " and "
              + endLogits.length);
    }
    boolean[] candidate = new boolean[length];
    for (int i = 0; i < length; i++) {
      candidate[i] = !pMask[i] && attentionMask[i] != 0;
    }
    double[] start = maskedSoftmax(startLogits, candidate);
    double[] end = maskedSoftmax(endLogits, candidate);
    double nullScore = start[0] * end[0];
    // the CLS token is never an answer span itself
    start[0] = 0;
    end[0] = 0;
    return new Selection(decodeSpans(start, end, candidate, topK, maxAnswerLen), nullScore);
  }

  /** Logits of non-candidate tokens become -10000, so they add (almost) nothing to the softmax. */
  private static double[] maskedSoftmax(float[] logits, boolean[] candidate) {
    double[] values = new double[logits.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      values[i] = candidate[i] ? logits[i] : -10000.0;
      max = Math.max(max, values[i]);
    }
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp(values[i] - max);
      sum += values[i];
    }
    for (int i = 0; i < values.length; i++) {
      values[i] /= sum;
    }
    return values;
  }

  /**
   * decode_spans: score every span start <= end < start + max_answer_len as start x end
   * probability, keep the top_k, drop those touching a non-candidate token. Spans of score 0, which
   * numpy ranks in no defined order, are never returned.
   */
  private static List<Span> decodeSpans(
      double[] start, double[] end, boolean[] candidate, int topK, int maxAnswerLen) {
    List<Span> spans = new ArrayList<>();
    for (int s = 0; s < start.length; s++) {
      for (int e = s; e < Math.min(end.length, s + maxAnswerLen); e++) {
        double score = start[s] * end[e];
        if (score > 0) {
          spans.add(new Span(s, e, (float) score));
        }
      }
    }
    // stable: among equal scores the first in row-major order wins, as numpy's argmax
    spans.sort(Comparator.comparingDouble(Span::score).reversed());
    List<Span> best = spans.subList(0, Math.min(topK, spans.size()));
    return best.stream().filter(span -> candidate[span.start()] && candidate[span.end()]).toList();
  }
}
