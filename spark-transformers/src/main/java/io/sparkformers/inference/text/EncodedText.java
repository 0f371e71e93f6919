package io.sparkformers.inference.text;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.task.Features;

/** One tokenized input, unpadded; its cost is its token count. */
public class EncodedText implements Features {
  private final Encoding encoding;

  public EncodedText(Encoding encoding) {
    this.encoding = encoding;
  }

  public Encoding encoding() {
    return encoding;
  }

  public int length() {
    return encoding.getIds().length;
  }

  @Override
  public long cost() {
    return length();
  }
}
