package io.sparkformers.inference.task.text;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.text.Tokenized;
import java.util.Objects;

/**
 * One text as the model sees it: the fast tokenizer's encoding (ids, type ids, attention mask,
 * special-token mask, tokens, code-point offsets), kept with the text it came from because the
 * pipeline reads words back out of it.
 */
public record TokenClassificationFeatures(String text, Encoding encoding) implements Tokenized {

  public TokenClassificationFeatures {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(encoding, "encoding");
  }
}
