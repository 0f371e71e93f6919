package io.sparkformers.inference.text;

import io.sparkformers.inference.task.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Checks that a text is something a model should see, and decodes raw bytes strictly as UTF-8. */
public final class TextInputs {
  private TextInputs() {}

  public static String require(String text, String what, long maxChars) {
    if (text == null) throw new InvalidInputException(what + " is null");
    if (text.isBlank()) throw new InvalidInputException(what + " is empty");
    if (text.length() > maxChars) {
      throw new InvalidInputException(
          what + " has " + text.length() + " characters, over the limit of " + maxChars + " (maxInputChars)");
    }
    return text;
  }

  /** Bytes to text, rejecting invalid UTF-8 rather than replacing it with U+FFFD. */
  public static String utf8(byte[] bytes) {
    if (bytes == null) return null;
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("input bytes are not valid UTF-8: " + e.getMessage());
    }
  }
}
