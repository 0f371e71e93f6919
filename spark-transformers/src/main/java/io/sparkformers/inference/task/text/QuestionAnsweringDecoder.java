package io.sparkformers.inference.task.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the start and end logits of every window of one question into answers, as the
 * fast-tokenizer branch of transformers 4.38 QuestionAnsweringPipeline.postprocess does: the best
 * spans of each window, mapped to characters of the context, pooled over windows and sorted by
 * score (scores are not renormalised across windows).
 */
public final class QuestionAnsweringDecoder {

  /** The context is sequence 1 of the (question, context) pair. */
  private static final int CONTEXT_SEQUENCE = 1;

  /**
   * The best {@code settings.topK()} answers, highest score first. Always a list: the pipeline
   * returns a bare answer when exactly one remains, so a caller shapes the output from topK (one
   * struct for topK 1, an array otherwise).
   *
   * @param startLogits per window, in the order of {@code features.windows()}
   * @param endLogits per window, likewise
   */
  public List<Answer> postprocess(
      QuestionAnsweringFeatures features,
      List<float[]> startLogits,
      List<float[]> endLogits,
      QuestionAnsweringSettings settings) {
    List<ContextWindow> windows = features.windows();
    if (startLogits.size() != windows.size() || endLogits.size() != windows.size()) {
      throw new IllegalArgumentException(
          String.format(
              "%d windows but %d start and %d end logits",
              windows.size(), startLogits.size(), endLogits.size()));
    }
    double minNullScore = 1_000_000; // the pipeline's "large and positive" start
    List<Answer> answers = new ArrayList<>();
    for (int w = 0; w < windows.size(); w++) {
      ContextWindow window = windows.get(w);
      AnswerSpans.Selection selection =
          AnswerSpans.select(
              startLogits.get(w),
              endLogits.get(w),
              window.pMask(),
              window.encoding().getAttentionMask(),
              settings.topK(),
              settings.maxAnswerLen());
      minNullScore = Math.min(minNullScore, selection.nullScore());
      for (AnswerSpans.Span span : selection.spans()) {
        answers.add(answer(features.context(), window.encoding(), span, settings.alignToWords()));
      }
    }
    if (settings.handleImpossibleAnswer()) {
      answers.add(new Answer((float) minNullScore, 0, 0, ""));
    }
    answers.sort(Comparator.comparingDouble(Answer::score).reversed());
    return List.copyOf(answers.subList(0, Math.min(settings.topK(), answers.size())));
  }

  private static Answer answer(
      String context, Encoding window, AnswerSpans.Span span, boolean alignToWords) {
    int[] chars = alignToWords ? wordChars(window, span) : null;
    if (chars == null) {
      CharSpan[] offsets = window.getCharTokenSpans();
      chars = new int[] {start(offsets[span.start()]), end(offsets[span.end()])};
    }
    return new Answer(
        span.score(), chars[0], chars[1], CodePoints.substring(context, chars[0], chars[1]));
  }

  /**
   * get_indices with align_to_words: the span grows to the whole words of its first and last tokens
   * (enc.token_to_word, then enc.word_to_chars within this window); null where a token has no word,
   * where the pipeline falls back to token offsets.
   */
  private static int[] wordChars(Encoding window, AnswerSpans.Span span) {
    long[] wordIds = window.getWordIds();
    long startWord = wordIds[span.start()];
    long endWord = wordIds[span.end()];
    if (startWord < 0 || endWord < 0) {
      return null;
    }
    int start = Integer.MAX_VALUE;
    int end = -1;
    long[] sequenceIds = window.getSequenceIds();
    CharSpan[] offsets = window.getCharTokenSpans();
    for (int i = 0; i < wordIds.length; i++) {
      if (sequenceIds[i] != CONTEXT_SEQUENCE) {
        continue;
      }
      if (wordIds[i] == startWord) {
        start = Math.min(start, start(offsets[i]));
      }
      if (wordIds[i] == endWord) {
        end = Math.max(end, end(offsets[i]));
      }
    }
    return start == Integer.MAX_VALUE || end < 0 ? null : new int[] {start, end};
  }

  /** Special tokens have no span; the pipeline's offsets for them are (0, 0). */
  private static int start(CharSpan span) {
    return span == null ? 0 : span.getStart();
  }

  private static int end(CharSpan span) {
    return span == null ? 0 : span.getEnd();
  }
}
