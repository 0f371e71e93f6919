package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * transformers' generate over many inputs, continuously batched: greedy search, sampling or beam
 * search as the config says, at most a batch of inputs decoding at once, waiting ones starting as
 * soon as others end (in the order {@link Admission} picks). Each input is limited by its own
 * length (max_new_tokens after its own decoder prompt, or max_length) and by the positions the
 * model has, so its tokens are those it gets alone.
 */
final class Generator {
  private final GenerationConfig config;
  private final int positionLimit;
  private final GenerationPipeline.Batching batching;

  /** @param positionLimit the positions the decoder has (n_positions), Integer.MAX_VALUE for no limit */
  Generator(GenerationConfig config, int positionLimit, GenerationPipeline.Batching batching) {
    this.config = config;
    this.positionLimit = positionLimit;
    this.batching = batching;
  }

  /**
   * One input to generate from.
   *
   * @param decoderPrompt the tokens it starts from: the prompt (decoder-only) or the decoder start token
   * @param modelInput the model's input; with the seed it picks the row's random stream, so a row
   *     samples the same tokens in any batch and on a retried task
   * @param maxNewTokens its own max_new_tokens; null for the config's
   * @param encoderTokens cache positions its encoder output takes (0 for a decoder-only model)
   */
  record Input(long[] decoderPrompt, long[] modelInput, Integer maxNewTokens, int encoderTokens) {}

  /** @param decoding empty: inputs join it as they start, by their index in {@code inputs} */
  List<Generated> generate(Decoding decoding, List<Input> inputs) {
    List<TokenSequence> sequences = new ArrayList<>();
    int[] cacheTokens = new int[inputs.size()];
    for (Input input : inputs) {
      long[] prompt = input.decoderPrompt();
      int maxLength = config.maxLength(prompt.length, input.maxNewTokens());
      // transformers checks max_length after each token, so a row gets at least one; the model's
      // positions bound what can be fed, and the last token is never fed
      long stop = Math.min(Math.max(maxLength, prompt.length + 1), (long) positionLimit + 1);
      cacheTokens[sequences.size()] = (int) stop + input.encoderTokens();
      sequences.add(new TokenSequence(prompt, maxLength, (int) stop));
    }
    Admission admission = new Admission(cacheTokens, batching, config.numBeams(), decoding);
    try (decoding) {
      if (config.numBeams() > 1) return new BeamSearch(config).run(decoding, sequences, admission);
      List<SplittableRandom> randoms = new ArrayList<>();
      for (Input input : inputs) randoms.add(new SplittableRandom(seed(config.seed(), input.modelInput())));
      return new GreedySearch(config).run(decoding, sequences, randoms, admission);
    }
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
