package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wav2Vec2CTCTokenizer decoding rules. */
class CtcTokenizerTest {
  private static final int PAD = 0;
  private static final int A = 1;
  private static final int B = 2;
  private static final int DELIMITER = 3;
  private static final int UNK = 4;

  private final CtcTokenizer tokenizer = new CtcTokenizer(
      Map.of("<pad>", PAD, "A", A, "B", B, "|", DELIMITER, "<unk>", UNK), "<pad>", "|", " ", false, true);

  @Test
  void recordedArgmaxIdsDecodeToTheRecordedText() {
    CtcTokenizer fixture = CtcTokenizer.load(Fixtures.path(Fixtures.CTC));
    for (JsonNode c : Fixtures.json(Fixtures.CTC + "/golden.json").get("cases")) {
      int[] ids = new int[c.get("argmax_ids").size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = c.get("argmax_ids").get(i).asInt();
      }
      assertEquals(c.get("ctc_decoded_text").asText(), fixture.decode(ids));
      assertEquals(c.at("/pipeline/text").asText(), fixture.decode(ids));
    }
  }

  @Test
  void repeatsCollapseAndTheBlankSeparatesDoubledLetters() {
    assertEquals("AAB", tokenizer.decode(new int[] {A, A, PAD, A, B, B, PAD}));
  }

  @Test
  void delimiterBecomesASpaceAndTheTextIsStripped() {
    assertEquals("A B", tokenizer.decode(new int[] {DELIMITER, A, DELIMITER, DELIMITER, B, DELIMITER}));
  }

  @Test
  void specialTokensOtherThanTheBlankAreKept() {
    // the ASR pipeline decodes CTC output with skip_special_tokens=False
    assertEquals("A<unk>B", tokenizer.decode(new int[] {A, UNK, B}));
  }

  @Test
  void charOffsetsSpanTheFramesOfEachGroupWithoutBlanks() {
    List<TokenSpan> chars = tokenizer.charOffsets(new int[] {A, A, PAD, B, DELIMITER, A});
    assertEquals(List.of(new TokenSpan("A", 0, 2), new TokenSpan("B", 3, 4), new TokenSpan(" ", 4, 5),
        new TokenSpan("A", 5, 6)), chars);
  }

  @Test
  void wordOffsetsRunFromAWordsFirstToItsLastCharacter() {
    List<TokenSpan> chars = tokenizer.charOffsets(new int[] {DELIMITER, A, PAD, B, DELIMITER, DELIMITER, B, PAD});
    assertEquals(List.of(new TokenSpan("AB", 1, 4), new TokenSpan("B", 6, 7)), tokenizer.wordOffsets(chars));
  }
}
