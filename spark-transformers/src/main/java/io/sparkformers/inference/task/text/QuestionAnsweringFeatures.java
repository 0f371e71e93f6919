package io.sparkformers.inference.task.text;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.task.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A question over a context, cut into the windows the model reads, as the fast-tokenizer branch of
 * transformers 4.38 QuestionAnsweringPipeline.preprocess builds them.
 */
public record QuestionAnsweringFeatures(
    String question, String context, List<ContextWindow> windows) implements Features {

  public QuestionAnsweringFeatures {
    windows = List.copyOf(windows);
  }

  /**
   * The windows of an encoding of {@code (question, context)} made with truncation only_second,
   * stride and overflowing tokens: the encoding itself, then its overflowing encodings. p_mask
   * masks everything outside the context (sequence 1) except the CLS token, which some models use
   * to signal that there is no answer.
   */
  public static QuestionAnsweringFeatures of(
      String question, String context, Encoding encoding, OptionalLong clsTokenId) {
    List<Encoding> encodings = new ArrayList<>();
    encodings.add(encoding);
    encodings.addAll(List.of(encoding.getOverflowing()));
    List<ContextWindow> windows = new ArrayList<>(encodings.size());
    for (Encoding window : encodings) {
      long[] ids = window.getIds();
      long[] sequenceIds = window.getSequenceIds();
      boolean[] pMask = new boolean[ids.length];
      for (int i = 0; i < ids.length; i++) {
        boolean cls = clsTokenId.isPresent() && ids[i] == clsTokenId.getAsLong();
        pMask[i] = sequenceIds[i] != 1 && !cls;
      }
      windows.add(new ContextWindow(window, pMask));
    }
    return new QuestionAnsweringFeatures(question, context, windows);
  }

  /** Tokens over all windows: what the model runs on. */
  @Override
  public long cost() {
    return windows.stream().mapToLong(ContextWindow::cost).sum();
  }
}
