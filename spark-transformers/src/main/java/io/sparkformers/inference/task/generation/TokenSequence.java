package io.sparkformers.inference.task.generation;

import java.util.Arrays;

/**
 * One sequence being generated: its decoder prompt (the prompt of a decoder-only model, the start
 * token of an encoder-decoder) and the tokens generated after it, with the length limits of its row.
 * What transformers' logits processors see as one row of {@code input_ids}, without padding.
 */
final class TokenSequence {
  private long[] ids;
  private int length;
  private final int promptLength;
  private final int maxLength;
  private final int stopLength;

  /**
   * @param maxLength generation's max_length for this row (ForcedEOS looks at it)
   * @param stopLength the length at which the row stops: max_length, or less when the model has
   *     no more positions
   */
  TokenSequence(long[] prompt, int maxLength, int stopLength) {
    this.ids = Arrays.copyOf(prompt, Math.max(prompt.length, 1) * 2);
    this.length = prompt.length;
    this.promptLength = prompt.length;
    this.maxLength = maxLength;
    this.stopLength = stopLength;
  }

  private TokenSequence(TokenSequence other) {
    this.ids = other.ids.clone();
    this.length = other.length;
    this.promptLength = other.promptLength;
    this.maxLength = other.maxLength;
    this.stopLength = other.stopLength;
  }

  TokenSequence copy() {
    return new TokenSequence(this);
  }

  void append(long token) {
    if (length == ids.length) ids = Arrays.copyOf(ids, length * 2);
    ids[length++] = token;
  }

  long id(int i) {
    return ids[i];
  }

  long last() {
    return ids[length - 1];
  }

  /** Tokens so far, decoder prompt included: transformers' cur_len. */
  int length() {
    return length;
  }

  int promptLength() {
    return promptLength;
  }

  int maxLength() {
    return maxLength;
  }

  /** Whether another token may follow (max_length, and the model's positions). */
  boolean full() {
    return length >= stopLength;
  }

  /** The tokens after the decoder prompt. */
  long[] generated() {
    return Arrays.copyOfRange(ids, promptLength, length);
  }
}
