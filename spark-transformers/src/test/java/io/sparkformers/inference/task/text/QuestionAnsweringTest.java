package io.sparkformers.inference.task.text;

import io.sparkformers.inference.task.InvalidInputException;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden: transformers 4.38.2 QuestionAnsweringPipeline on the fast-tokenizer path
 * (fixtures/question-answering-bert/golden_fast.json): contexts of 1 to 5 windows, top 1 and top 3.
 */
class QuestionAnsweringTest {
  private static final String MODEL = "question-answering-bert";
  private static final ModelSpec.Model model = Fixtures.open(Fixtures.model(MODEL));
  private static final QuestionAnsweringPipeline pipeline =
      new QuestionAnsweringPipeline(model, QuestionAnsweringSettings.DEFAULTS, 1_000_000);
  private static final QuestionAnsweringDecoder decoder = new QuestionAnsweringDecoder();

  private static List<JsonNode> cases() {
    List<JsonNode> cases = new ArrayList<>();
    Fixtures.golden(MODEL, "golden_fast.json").get("cases").forEach(cases::add);
    return cases;
  }

  private static QuestionAnsweringFeatures windows(String question, String context) {
    return pipeline.preprocess(new QuestionAnsweringPipeline.Input(question, context));
  }

  private static List<Answer> answer(
      String question, String context, QuestionAnsweringSettings settings) {
    QuestionAnsweringPipeline p = new QuestionAnsweringPipeline(model, settings, 1_000_000);
    return p.predict(List.of(p.preprocess(new QuestionAnsweringPipeline.Input(question, context)))).get(0);
  }

  @Test
  void defaultsDeriveWindowLengthAndOverlapFromModelMaxLength() {
    assertEquals(64, QuestionAnsweringSettings.DEFAULTS.resolvedMaxSeqLen(64));
    assertEquals(32, QuestionAnsweringSettings.DEFAULTS.resolvedDocStride(64));
    assertEquals(384, QuestionAnsweringSettings.DEFAULTS.resolvedMaxSeqLen(512));
    assertEquals(128, QuestionAnsweringSettings.DEFAULTS.resolvedDocStride(512));
  }

  @Test
  void windowsMatchTheFastTokenizerWindows() {
    for (JsonNode golden : cases()) {
      QuestionAnsweringFeatures features =
          windows(golden.get("question").asText(), golden.get("context").asText());
      JsonNode expected = golden.get("window_input_ids");
      assertEquals(
          golden.get("windows").asInt(),
          features.windows().size(),
          golden.get("question").asText());
      for (int w = 0; w < expected.size(); w++) {
        long[] ids = new long[expected.get(w).size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = expected.get(w).get(i).asLong();
        }
        assertArrayEquals(ids, features.windows().get(w).encoding().getIds(), "window " + w);
      }
    }
  }

  @Test
  void pMaskLeavesOnlyContextAndClsOpen() {
    // [CLS] where does john live ? [SEP] john smith lives ... london . [SEP]
    QuestionAnsweringFeatures features =
        windows(
            "Where does John live?", "John Smith lives in New York and works in London.");
    boolean[] pMask = features.windows().get(0).pMask();
    boolean[] expected = new boolean[20];
    for (int i = 1; i <= 6; i++) {
      expected[i] = true; // question and its [SEP]
    }
    expected[19] = true; // final [SEP]
    assertArrayEquals(expected, pMask);
    assertEquals(20, features.cost());
  }

  @Test
  void topAnswerMatchesTheFastPipeline() {
    for (JsonNode golden : cases()) {
      List<Answer> answers =
          answer(
              golden.get("question").asText(),
              golden.get("context").asText(),
              QuestionAnsweringSettings.DEFAULTS);
      assertEquals(1, answers.size());
      assertAnswer(golden.get("pipeline_top1"), answers.get(0), golden.get("question").asText());
    }
  }

  @Test
  void topThreeAnswersMatchTheFastPipeline() {
    QuestionAnsweringSettings top3 = QuestionAnsweringSettings.DEFAULTS.withTopK(3);
    for (JsonNode golden : cases()) {
      String question = golden.get("question").asText();
      List<Answer> answers = answer(question, golden.get("context").asText(), top3);
      JsonNode expected = golden.get("pipeline_top3");
      assertEquals(expected.size(), answers.size(), question);
      for (int i = 0; i < answers.size(); i++) {
        assertAnswer(expected.get(i), answers.get(i), question + " #" + i);
      }
    }
  }

  private static void assertAnswer(JsonNode expected, Answer actual, String where) {
    assertAll(
        where,
        () -> assertEquals(expected.get("answer").asText(), actual.answer()),
        () -> assertEquals(expected.get("start").asInt(), actual.start()),
        () -> assertEquals(expected.get("end").asInt(), actual.end()),
        () -> assertEquals(expected.get("score").floatValue(), actual.score(), 1e-4));
  }

  @Test
  void impossibleAnswerWinsWhenClsOutscoresEverySpan() {
    QuestionAnsweringFeatures features =
        windows(
            "Who loves the movie?", "Mary loves the movie because it was great.");
    int length = features.windows().get(0).pMask().length;
    float[] logits = new float[length];
    logits[0] = 20f; // CLS: all probability mass on "no answer"
    List<float[]> both = List.of(logits);

    List<Answer> withNull =
        decoder.postprocess(
            features,
            both,
            both,
            QuestionAnsweringSettings.DEFAULTS.withHandleImpossibleAnswer(true));
    assertEquals(List.of(new Answer(withNull.get(0).score(), 0, 0, "")), withNull);
    assertEquals(1f, withNull.get(0).score(), 1e-4);

    List<Answer> withoutNull =
        decoder.postprocess(features, both, both, QuestionAnsweringSettings.DEFAULTS);
    assertNotEquals("", withoutNull.get(0).answer());
  }

  @Test
  void answersAreCodePointSlicesOfTheContext() {
    String context = "😀 Mary loves the movie in Zürich.";
    for (Answer answer :
        answer("Who loves the movie?", context, QuestionAnsweringSettings.DEFAULTS.withTopK(5))) {
      int from = context.offsetByCodePoints(0, answer.start());
      int to = context.offsetByCodePoints(0, answer.end());
      assertEquals(context.substring(from, to), answer.answer());
    }
  }

  @Test
  void emptyQuestionOrContextIsInvalidInput() {
    assertThrows(InvalidInputException.class, () -> windows("", "Some context."));
    assertThrows(InvalidInputException.class, () -> windows("Who?", ""));
  }

  @Test
  void questionThatFillsTheWindowIsInvalidInput() {
    String question = "where does the man who lives in new york work ".repeat(8);
    assertThrows(
        InvalidInputException.class,
        () -> windows(question, "He works in London."));
  }
}
