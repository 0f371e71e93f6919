package io.sparkformers.inference.task.text;

/**
 * Text indexed by Unicode code points, as Python strings are: the fast tokenizer's character
 * offsets and the HF pipelines' start/end count code points, while Java strings index UTF-16 units.
 */
final class CodePoints {
  private CodePoints() {}

  /** Python's {@code text[start:end]} for code-point offsets within the text. */
  static String substring(String text, int start, int end) {
    int from = text.offsetByCodePoints(0, start);
    return text.substring(from, text.offsetByCodePoints(from, end - start));
  }

  /** Python's {@code len(text)}. */
  static int length(String text) {
    return text.codePointCount(0, text.length());
  }
}
