package io.sparkformers.inference.task.text;

/**
 * Settings of extractive question answering, with the defaults of transformers 4.38
 * QuestionAnsweringPipeline. {@code maxSeqLen} and {@code docStride} are null to derive them from
 * the tokenizer's model_max_length as the pipeline does. {@code maxQuestionLen} is kept for parity;
 * like the pipeline's fast-tokenizer path, nothing reads it.
 */
public record QuestionAnsweringSettings(
    int topK,
    Integer docStride,
    Integer maxSeqLen,
    int maxQuestionLen,
    int maxAnswerLen,
    boolean handleImpossibleAnswer,
    boolean alignToWords)
    implements java.io.Serializable {

  public static final QuestionAnsweringSettings DEFAULTS =
      new QuestionAnsweringSettings(1, null, null, 64, 15, false, true);

  public QuestionAnsweringSettings {
    // as QuestionAnsweringPipeline._sanitize_parameters
    if (topK < 1) {
      throw new IllegalArgumentException("topK should be >= 1, got " + topK);
    }
    if (maxAnswerLen < 1) {
      throw new IllegalArgumentException("maxAnswerLen should be >= 1, got " + maxAnswerLen);
    }
  }

  public QuestionAnsweringSettings withTopK(int k) {
    return new QuestionAnsweringSettings(
        k,
        docStride,
        maxSeqLen,
        maxQuestionLen,
        maxAnswerLen,
        handleImpossibleAnswer,
        alignToWords);
  }

  public QuestionAnsweringSettings withHandleImpossibleAnswer(boolean handle) {
    return new QuestionAnsweringSettings(
        topK, docStride, maxSeqLen, maxQuestionLen, maxAnswerLen, handle, alignToWords);
  }

  /** Window length in tokens: {@code min(model_max_length, 384)} unless set. */
  public int resolvedMaxSeqLen(int modelMaxLength) {
    return maxSeqLen != null ? maxSeqLen : Math.min(modelMaxLength, 384);
  }

  /**
   * Context tokens shared by consecutive windows: {@code min(max_seq_len // 2, 128)} unless set;
   * the fast tokenizer takes it as its stride, which is an overlap, not a step.
   */
  public int resolvedDocStride(int modelMaxLength) {
    int maxSeq = resolvedMaxSeqLen(modelMaxLength);
    int stride = docStride != null ? docStride : Math.min(maxSeq / 2, 128);
    if (stride > maxSeq) {
      throw new IllegalArgumentException(
          "docStride (" + stride + ") is larger than maxSeqLen (" + maxSeq + ")");
    }
    return stride;
  }
}
