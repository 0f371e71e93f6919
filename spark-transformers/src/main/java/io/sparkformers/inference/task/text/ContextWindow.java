package io.sparkformers.inference.task.text;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.text.Tokenized;
import java.util.Objects;

/**
 * One model input of question answering: the question with one stretch of the context, as the fast
 * tokenizer encodes it (ids, type ids, attention mask, offsets, word and sequence ids), and the
 * pipeline's p_mask: true for tokens that cannot be part of an answer.
 */
public record ContextWindow(Encoding encoding, boolean[] pMask) implements Tokenized {

  public ContextWindow {
    Objects.requireNonNull(encoding, "encoding");
    if (pMask.length != encoding.getIds().length) {
      throw new IllegalArgumentException("p_mask and encoding lengths differ");
    }
  }
}
