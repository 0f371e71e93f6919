package io.sparkformers.testing.hostile;

import static io.sparkformers.testing.hostile.HostileInput.concat;
import static io.sparkformers.testing.hostile.HostileInput.either;
import static io.sparkformers.testing.hostile.HostileInput.invalid;
import static io.sparkformers.testing.hostile.HostileInput.valid;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile text as the bytes of a binary (UTF-8) column: invalid UTF-8 at the start, middle and end,
 * every lone non-ASCII byte, NUL and control characters, 10 MB strings, combining-character floods,
 * right-to-left and emoji sequences.
 */
public final class HostileTexts {
  /** Malformed UTF-8 (RFC 3629 / Unicode 15 table 3-7): each fails a strict decoder wherever it stands. */
  private static final int[][] MALFORMED = {
      {0xC2}, {0xDF}, {0xE0, 0xA0}, {0xE2, 0x82}, {0xF0, 0x9F, 0x98}, {0xF4, 0x8F, 0xBF}, // truncated sequences
      {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xE0, 0x9F, 0xBF}, {0xF0, 0x80, 0x80, 0xAF}, // overlongs
      {0xED, 0xA0, 0x80}, {0xED, 0xAD, 0xBF}, {0xED, 0xB0, 0x80}, {0xED, 0xBF, 0xBF}, // UTF-16 surrogates
      {0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}, // a surrogate pair encoded as two 3-byte sequences (CESU-8)
      {0xF4, 0x90, 0x80, 0x80}, {0xF7, 0xBF, 0xBF, 0xBF}, // above U+10FFFF
      {0xF8, 0x88, 0x80, 0x80, 0x80}, {0xFC, 0x84, 0x80, 0x80, 0x80, 0x80}, // 5- and 6-byte forms
      {0x80}, {0xBF}, {0x80, 0x80, 0x80}, // continuation bytes without a lead
      {0xC3, 0x28}, {0xE2, 0x28, 0xA1}, {0xF0, 0x28, 0x8C, 0xBC}, // a lead byte followed by ASCII
      {0xFE}, {0xFF}, {0xFF, 0xFE}, // never in UTF-8
  };

  private HostileTexts() {}

  public static List<HostileInput> cases() {
    List<HostileInput> out = new ArrayList<>();
    for (int[] bad : MALFORMED) {
      String hex = hex(bad);
      out.add(invalid("malformed " + hex + " at the start", concat(bytes(bad), utf8("rest of the sentence"))));
      out.add(invalid("malformed " + hex + " in the middle", concat(utf8("a sentence "), bytes(bad), utf8(" goes on"))));
      out.add(invalid("malformed " + hex + " at the end", concat(utf8("a sentence ends"), bytes(bad))));
      out.add(invalid("malformed " + hex + " alone", bytes(bad)));
    }
    for (int b = 0x80; b <= 0xFF; b++) {
      out.add(invalid(String.format("lone byte %02X in the middle", b), concat(utf8("left "), bytes(new int[] {b}), utf8(" right"))));
    }
    for (int c = 0; c < 0x20; c++) {
      out.add(valid(String.format("control U+%04X in a sentence", c), utf8("before" + (char) c + "after")));
    }
    out.add(valid("DEL in a sentence", utf8("before\u007Fafter")));
    out.add(valid("C1 controls", utf8("x\u0080\u0085\u009Fy")));
    out.add(valid("NUL bytes between words", utf8("one\0two\0\0three")));
    out.add(either("only NULs", utf8("\0\0\0\0")));
    out.add(either("only control characters", utf8("\u0001\u0002\u0003\u001B[31m")));
    out.add(invalid("empty", new byte[0]));
    out.add(invalid("blank", utf8(" \t\n\r ")));
    out.add(valid("BOM then text", utf8("\uFEFFhello")));
    out.add(valid("noncharacters", utf8("a\uFFFE\uFFFFb\uFDD0")));
    out.add(valid("private use", utf8("\uE000\uF8FF")));
    out.add(valid("supplementary private use", utf8(new String(Character.toChars(0x10FFFD)))));
    out.add(valid("zero-width characters", utf8("zero\u200Bwidth\u200C\u200Djoin\u2060")));
    out.add(valid("Arabic", utf8("مرحبا بالعالم، كيف حالك اليوم؟")));
    out.add(valid("Hebrew", utf8("שלום עולם")));
    out.add(valid("mixed directions with overrides", utf8("abc \u202Eevil\u202C def \u2067isolate\u2069 \u200F")));
    out.add(valid("emoji ZWJ family", utf8("family: \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66")));
    out.add(valid("flags and skin tones", utf8("\uD83C\uDDEB\uD83C\uDDF7 \uD83D\uDC4D\uD83C\uDFFD \uD83C\uDFF4\u200D\u2620\uFE0F")));
    out.add(valid("emoji only", utf8("\uD83D\uDE00".repeat(200))));
    out.add(valid("combining flood on one letter", utf8("e" + "\u0301".repeat(10_000))));
    out.add(valid("zalgo words", utf8(("he" + "\u0336\u0337\u0338\u0334".repeat(50) + "llo ").repeat(20))));
    out.add(valid("combining marks alone", utf8("\u0300\u0301\u0302\u0303".repeat(500))));
    out.add(valid("one long word", utf8("a".repeat(100_000))));
    out.add(valid("CJK without spaces", utf8("漢字仮名交じり文".repeat(2_000))));
    out.add(valid("many newlines", utf8("line\n".repeat(20_000))));
    // over the default maxInputChars (1,000,000): refused from its length, before tokenizing
    out.add(invalid("10 MB of ASCII", utf8("word ".repeat(2_000_000))));
    out.add(invalid("10 MB of one character", utf8("x".repeat(10_000_000))));
    out.add(invalid("10 MB of emoji", utf8("\uD83D\uDE00".repeat(2_500_000))));
    out.add(invalid("10 MB of combining marks", utf8("\u0301".repeat(5_000_000))));
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int[] values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
    return out;
  }


  private static String hex(int[] values) {
    StringBuilder s = new StringBuilder();
    for (int v : values) s.append(String.format("%02X", v));
    return s.toString();
  }
}
