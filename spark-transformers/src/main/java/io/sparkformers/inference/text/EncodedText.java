package io.sparkformers.inference.text;

import ai.djl.huggingface.tokenizers.Encoding;

/** One tokenized input with nothing else attached. */
public record EncodedText(Encoding encoding) implements Tokenized {}
