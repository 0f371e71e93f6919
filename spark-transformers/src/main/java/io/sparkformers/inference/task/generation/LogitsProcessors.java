package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The logits processors transformers' generate applies to every search, in its order
 * (GenerationMixin._get_logits_processor, 4.38), each named after its transformers class.
 */
final class LogitsProcessors {
  private LogitsProcessors() {}

  static List<LogitsProcessor> of(GenerationConfig c) {
    List<LogitsProcessor> out = new ArrayList<>();
    long[] eos = c.eosTokenIds();
    if (c.repetitionPenalty() != 1.0) out.add(new RepetitionPenalty((float) c.repetitionPenalty()));
    if (c.noRepeatNgramSize() > 0) out.add(new NoRepeatNGram(c.noRepeatNgramSize()));
    List<long[]> badWords = badWordsOtherThanEos(c.badWordsIds(), eos);
    if (!badWords.isEmpty()) out.add(new NoBadWords(badWords));
    if (c.minLength() > 0 && eos.length > 0) out.add(new MinLength(c.minLength(), eos));
    if (c.minNewTokens() > 0 && eos.length > 0) out.add(new MinNewTokens(c.minNewTokens(), eos));
    if (c.forcedBosTokenId() != null) out.add(new ForcedBos(c.forcedBosTokenId()));
    if (c.forcedEosTokenIds().length > 0) out.add(new ForcedEos(c.forcedEosTokenIds()));
    return out;
  }

  /** NoBadWordsLogitsProcessor never bans a lone eos token. */
  private static List<long[]> badWordsOtherThanEos(List<long[]> badWords, long[] eos) {
    List<long[]> out = new ArrayList<>();
    for (long[] words : badWords) {
      boolean loneEos = words.length == 1 && Arrays.stream(eos).anyMatch(e -> e == words[0]);
      if (!loneEos) out.add(words);
    }
    return out;
  }

  static void ban(float[] scores, long token) {
    if (token >= 0 && token < scores.length) scores[(int) token] = Float.NEGATIVE_INFINITY;
  }

  /** Every score -inf but {@code allowed}, which become 0: the token is forced. */
  static void force(float[] scores, long... allowed) {
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    for (long t : allowed) if (t >= 0 && t < scores.length) scores[(int) t] = 0f;
  }

  /** Tokens already in the sequence become less likely: negative scores are multiplied, positive divided. */
  record RepetitionPenalty(float penalty) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      BitSet seen = new BitSet(scores.length);
      for (int i = 0; i < s.length(); i++) {
        int t = (int) s.id(i);
        if (t < 0 || t >= scores.length || seen.get(t)) continue;
        seen.set(t);
        scores[t] = scores[t] < 0 ? scores[t] * penalty : scores[t] / penalty;
      }
    }
  }

  /** No n-gram occurs twice: a token that would complete an n-gram already in the sequence is banned. */
  record NoRepeatNGram(int n) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      int length = s.length();
      if (length + 1 < n) return;
      int prefixStart = length - (n - 1);
      for (int start = 0; start + n <= length; start++) {
        boolean match = true;
        for (int k = 0; k < n - 1 && match; k++) match = s.id(start + k) == s.id(prefixStart + k);
        if (match) ban(scores, s.id(start + n - 1));
      }
    }
  }

  /** bad_words_ids: a token is banned when the sequence ends with the rest of a bad word sequence. */
  record NoBadWords(List<long[]> badWords) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      for (long[] words : badWords) {
        int prefix = words.length - 1;
        if (prefix > s.length()) continue;
        boolean match = true;
        for (int k = 0; k < prefix && match; k++) match = s.id(s.length() - prefix + k) == words[k];
        if (match) ban(scores, words[prefix]);
      }
    }
  }

  /** No eos before the sequence (decoder prompt included) has min_length tokens. */
  record MinLength(int minLength, long[] eos) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      if (s.length() < minLength) for (long e : eos) ban(scores, e);
    }
  }

  /** No eos before min_new_tokens tokens follow the decoder prompt. */
  record MinNewTokens(int minNewTokens, long[] eos) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      if (s.length() - s.promptLength() < minNewTokens) for (long e : eos) ban(scores, e);
    }
  }

  /** forced_bos_token_id comes first after a one-token decoder prompt (mBART's target language). */
  record ForcedBos(long bos) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      if (s.length() == 1) force(scores, bos);
    }
  }

  /** forced_eos_token_id is the last token when the sequence reaches max_length. */
  record ForcedEos(long[] eos) implements LogitsProcessor {
    @Override
    public void process(TokenSequence s, float[] scores) {
      if (s.length() == s.maxLength() - 1) force(scores, eos);
    }
  }
}
