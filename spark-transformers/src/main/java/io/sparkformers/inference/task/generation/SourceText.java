package io.sparkformers.inference.task.generation;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.text.Tokenized;

/** A text as given and its tokens as the model reads them (prefix included for T5). */
public record SourceText(String text, Encoding encoding) implements Tokenized {}
