package io.sparkformers.inference.text;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.task.Features;

/** Features that are one tokenized sequence, unpadded; the cost is its token count. */
public interface Tokenized extends Features {
  Encoding encoding();

  default int length() {
    return encoding().getIds().length;
  }

  @Override
  default long cost() {
    return length();
  }
}
