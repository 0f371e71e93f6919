package io.sparkformers.inference.task.generation;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.text.Tokenized;

/**
 * A text as given, its tokens as the model reads them (prefix included for T5), and its own
 * max_new_tokens (null: the settings').
 */
public record SourceText(String text, Encoding encoding, Integer maxNewTokens) implements Tokenized {}
