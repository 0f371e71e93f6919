package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.List;

/**
 * The finished hypotheses of one input in beam search, as transformers' BeamHypotheses (4.38): the
 * num_beams best by sum of log-probabilities / generated length^length_penalty, the generated
 * length counting the tokens after the decoder prompt.
 */
final class BeamHypotheses {
  private record Hypothesis(double score, long[] tokens) {}

  private final int numBeams;
  private final double lengthPenalty;
  private final GenerationConfig.EarlyStopping earlyStopping;
  private final int maxLength;
  private final int promptLength;
  private final List<Hypothesis> beams = new ArrayList<>();
  private double worstScore = 1e9;

  BeamHypotheses(GenerationConfig config, int maxLength, int promptLength) {
    this.numBeams = config.numBeams();
    this.lengthPenalty = config.lengthPenalty();
    this.earlyStopping = config.earlyStopping();
    this.maxLength = maxLength;
    this.promptLength = promptLength;
  }

  /** @param tokens the generated tokens (eos included when it ended the hypothesis) */
  void add(long[] tokens, double sumLogProbs, int generatedLength) {
    double score = sumLogProbs / Math.pow(generatedLength, lengthPenalty);
    if (beams.size() < numBeams || score > worstScore) {
      beams.add(new Hypothesis(score, tokens));
      if (beams.size() > numBeams) {
        beams.remove(worst());
        worstScore = beams.get(worst()).score();
      } else {
        worstScore = Math.min(score, worstScore);
      }
    }
  }

  /** The lowest score, the first of equals (transformers sorts (score, index) pairs). */
  private int worst() {
    int w = 0;
    for (int i = 1; i < beams.size(); i++) if (beams.get(i).score() < beams.get(w).score()) w = i;
    return w;
  }

  /**
   * Whether no open beam can beat the hypotheses kept: early_stopping true stops at num_beams
   * hypotheses; false assumes the best open beam ends now; never bounds it by max_length.
   */
  boolean isDone(double bestSumLogProbs, int curLen) {
    if (beams.size() < numBeams) return false;
    if (earlyStopping == GenerationConfig.EarlyStopping.TRUE) return true;
    int length = earlyStopping == GenerationConfig.EarlyStopping.NEVER && lengthPenalty > 0
        ? maxLength - promptLength
        : curLen - promptLength;
    return worstScore >= bestSumLogProbs / Math.pow(length, lengthPenalty);
  }

  /** The best hypothesis, the last added of equals (transformers pops the end of a stable sort). */
  Generated best() {
    Hypothesis best = beams.get(0);
    for (Hypothesis h : beams) if (h.score() >= best.score()) best = h;
    return new Generated(best.tokens(), best.score());
  }
}
