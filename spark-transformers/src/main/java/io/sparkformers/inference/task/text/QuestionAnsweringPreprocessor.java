package io.sparkformers.inference.task.text;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.inference.text.TextTokenizer;
import java.util.OptionalLong;

/**
 * Cuts a (question, context) pair into model windows with the fast tokenizer, as transformers 4.38
 * QuestionAnsweringPipeline.preprocess does when the tokenizer is fast and pads on the right
 * (question first).
 */
public final class QuestionAnsweringPreprocessor {

  private final TextTokenizer windowTokenizer;
  private final OptionalLong clsTokenId;

  /**
   * @param windowTokenizer truncating only the context (only_second) to max_seq_len, with stride
   *     doc_stride and overflowing windows: the pipeline's tokenizer call
   * @param clsTokenId the tokenizer's CLS token id, if it has one
   */
  public QuestionAnsweringPreprocessor(TextTokenizer windowTokenizer, OptionalLong clsTokenId) {
    this.windowTokenizer = windowTokenizer;
    this.clsTokenId = clsTokenId;
  }

  /** The windows of one question over one context; a blank question or context is invalid. */
  public QuestionAnsweringFeatures preprocess(String question, String context) {
    // as QuestionAnsweringArgumentHandler.normalize
    if (question == null || question.isEmpty()) {
      throw new InvalidInputException("question is empty");
    }
    if (context == null || context.isEmpty()) {
      throw new InvalidInputException("context is empty");
    }
    Encoding encoding;
    try {
      encoding = windowTokenizer.encode(question, context);
    } catch (RuntimeException e) {
      // the Rust tokenizer refuses a question that leaves no room for the context
      throw new InvalidInputException(
          "cannot fit the question into a window: " + e.getMessage(), e);
    }
    return QuestionAnsweringFeatures.of(question, context, encoding, clsTokenId);
  }
}
