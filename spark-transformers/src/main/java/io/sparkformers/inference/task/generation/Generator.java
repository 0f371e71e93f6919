package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * transformers' generate over a started {@link Decoding}: greedy search, sampling or beam search as
 * the config says, each row limited by its own length (max_new_tokens after its own decoder prompt,
 * or max_length) and by the positions the model has.
 */
final class Generator {
  private final GenerationConfig config;
  private final int positionLimit;

  /** @param positionLimit the positions the decoder has (n_positions), Integer.MAX_VALUE for no limit */
  Generator(GenerationConfig config, int positionLimit) {
    this.config = config;
    this.positionLimit = positionLimit;
  }

  /**
   * @param decoderPrompts per decoding row, the tokens it starts from: the prompt (decoder-only) or
   *     the decoder start token
   * @param inputs per row, the model's input; with the seed it picks the row's random stream, so a
   *     row samples the same tokens in any batch and on a retried task
   */
  List<Generated> generate(Decoding decoding, List<long[]> decoderPrompts, List<long[]> inputs) {
    List<TokenSequence> sequences = new ArrayList<>();
    for (long[] prompt : decoderPrompts) {
      int maxLength = config.maxLength(prompt.length);
      // transformers checks max_length after each token, so a row gets at least one; the model's
      // positions bound what can be fed, and the last token is never fed
      long stop = Math.min(Math.max(maxLength, prompt.length + 1), (long) positionLimit + 1);
      sequences.add(new TokenSequence(prompt, maxLength, (int) stop));
    }
    if (config.numBeams() > 1) return new BeamSearch(config).run(decoding, sequences);
    List<SplittableRandom> randoms = new ArrayList<>();
    for (long[] input : inputs) randoms.add(new SplittableRandom(seed(config.seed(), input)));
    return new GreedySearch(config).run(decoding, sequences, randoms);
  }

  /** A 64-bit mix of the seed and the input ids (FNV-1a steps, then SplitMix64's finalizer). */
  static long seed(long seed, long[] input) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (long id : input) h = (h ^ id) * 0x100000001b3L;
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
