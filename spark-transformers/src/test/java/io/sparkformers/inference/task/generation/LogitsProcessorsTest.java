package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each processor on one row of scores, as its transformers class rewrites it. */
class LogitsProcessorsTest {
  private static final float NO = Float.NEGATIVE_INFINITY;

  /** A sequence of decoder prompt {@code prompt} then {@code generated}, max_length 10. */
  private static TokenSequence sequence(long[] prompt, long... generated) {
    TokenSequence s = new TokenSequence(prompt, 10, 10);
    for (long t : generated) s.append(t);
    return s;
  }

  private static float[] apply(LogitsProcessor p, TokenSequence s, float... scores) {
    float[] out = scores.clone();
    p.process(s, out);
    return out;
  }

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeScoresOfSeenTokensOnce() {
    TokenSequence s = sequence(new long[] {1}, 2, 2);
    assertArrayEquals(new float[] {4f, 1f, -4f, 2f},
        apply(new LogitsProcessors.RepetitionPenalty(2f), s, 4f, 2f, -2f, 2f));
  }

  @Test
  void noRepeatNgramBansTheTokenThatWouldRepeatABigram() {
    // 3 4 ... 3: "3 4" exists, so 4 may not follow the last 3
    TokenSequence s = sequence(new long[] {3, 4, 0}, 3);
    assertArrayEquals(new float[] {1, 1, 1, 1, NO}, apply(new LogitsProcessors.NoRepeatNGram(2), s, 1, 1, 1, 1, 1));
  }

  @Test
  void badWordsBanSingleTokensAlwaysAndLongerOnesAfterTheirPrefix() {
    var p = new LogitsProcessors.NoBadWords(List.of(new long[] {1}, new long[] {2, 3}));
    assertArrayEquals(new float[] {0, NO, 0, NO}, apply(p, sequence(new long[] {2}), 0, 0, 0, 0));
    assertArrayEquals(new float[] {0, NO, 0, 0}, apply(p, sequence(new long[] {0}), 0, 0, 0, 0));
  }

  @Test
  void minLengthCountsThePromptAndMinNewTokensOnlyWhatFollows() {
    TokenSequence s = sequence(new long[] {5, 5, 5}, 5);
    long[] eos = {0};
    assertArrayEquals(new float[] {NO, 1}, apply(new LogitsProcessors.MinLength(5, eos), s, 1, 1));
    assertArrayEquals(new float[] {1, 1}, apply(new LogitsProcessors.MinLength(4, eos), s, 1, 1));
    assertArrayEquals(new float[] {NO, 1}, apply(new LogitsProcessors.MinNewTokens(2, eos), s, 1, 1));
  }

  @Test
  void forcedBosAfterTheStartTokenAndForcedEosAtMaxLength() {
    assertArrayEquals(new float[] {NO, 0, NO}, apply(new LogitsProcessors.ForcedBos(1), sequence(new long[] {2}), 3, 2, 1));
    assertArrayEquals(new float[] {3, 2, 1}, apply(new LogitsProcessors.ForcedBos(1), sequence(new long[] {2}, 1), 3, 2, 1));
    TokenSequence nineLong = sequence(new long[] {2}, 1, 1, 1, 1, 1, 1, 1, 1);
    assertArrayEquals(new float[] {NO, NO, 0}, apply(new LogitsProcessors.ForcedEos(new long[] {2}), nineLong, 3, 2, 1));
  }

  @Test
  void topKKeepsTiesWithTheKthAndTopPKeepsTheSmallestSetReachingP() {
    TokenSequence s = sequence(new long[] {0});
    assertArrayEquals(new float[] {3, 2, 2, NO}, apply(new LogitsWarpers.TopK(2), s, 3, 2, 2, 1));
    float ln = (float) Math.log(2);
    // probabilities 1/2, 1/4, 1/8, 1/8: top_p 0.7 keeps the two best (3/4 >= 0.7)
    assertArrayEquals(new float[] {3 * ln, 2 * ln, NO, NO}, apply(new LogitsWarpers.TopP(0.7f), s, 3 * ln, 2 * ln, ln, ln));
  }
}
