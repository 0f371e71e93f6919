package io.sparkformers.bench;

import java.util.SplittableRandom;

/**
 * Deterministic benchmark sentences with skewed lengths: sentence {@code i} is a function of i
 * alone, so Spark tasks and the raw loop generate the same rows without shipping them. About 80%
 * are short (4-16 words), 15% medium (16-64), 5% long (64-300 words, truncated to the model's 256
 * tokens), the way real text columns mix titles, comments and documents.
 */
public final class Sentences {
  private static final long SEED = 20_240_611L;
  private static final String[] WORDS = (
      "the of and to in is was for on that with as by at from it this be are or an which his her "
          + "their have has had not but were been one all new more when who will would there can "
          + "about after first other into time some only over also most such made may between two "
          + "city world water market music school river house story film model train data paper "
          + "spark cluster memory engine people system group state game night light small large "
          + "early later under during while against without within through around quickly slowly")
      .split(" ");

  private Sentences() {}

  public static String sentence(long i) {
    SplittableRandom random = new SplittableRandom(SEED ^ (i * 0x9E3779B97F4A7C15L));
    double bucket = random.nextDouble();
    int words = bucket < 0.80 ? random.nextInt(4, 17)
        : bucket < 0.95 ? random.nextInt(16, 65)
        : random.nextInt(64, 301);
    StringBuilder s = new StringBuilder(words * 7);
    for (int w = 0; w < words; w++) {
      if (w > 0) s.append(' ');
      s.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return s.append('.').toString();
  }
}
