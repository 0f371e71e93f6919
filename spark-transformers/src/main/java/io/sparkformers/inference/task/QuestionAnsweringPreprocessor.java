package io.sparkformers.inference.task;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Cuts a (question, context) pair into model windows with the fast tokenizer, as transformers 4.38
 * QuestionAnsweringPipeline.preprocess does when the tokenizer is fast and pads on the right
 * (question first).
 */
public final class QuestionAnsweringPreprocessor {

  private final HuggingFaceTokenizer windowTokenizer;
  private final OptionalLong clsTokenId;

  /**
   * @param windowTokenizer a tokenizer configured as {@link #windowTokenizer} configures one
   * @param clsTokenId the tokenizer's CLS token id, if it has one
   */
  public QuestionAnsweringPreprocessor(
      HuggingFaceTokenizer windowTokenizer, OptionalLong clsTokenId) {
    this.windowTokenizer = windowTokenizer;
    this.clsTokenId = clsTokenId;
  }

  /**
   * The pipeline's tokenizer call: truncation only_second, max_length = max_seq_len, stride =
   * doc_stride, overflowing tokens returned, no padding.
   */
  public static HuggingFaceTokenizer windowTokenizer(
      Path tokenizerDir, int maxSeqLen, int docStride) throws IOException {
    return HuggingFaceTokenizer.builder()
        .optTokenizerPath(tokenizerDir)
        .optTruncateSecondOnly()
        .optMaxLength(maxSeqLen)
        .optStride(docStride)
        .optWithOverflowingTokens(true)
        .optPadding(false)
        .build();
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
