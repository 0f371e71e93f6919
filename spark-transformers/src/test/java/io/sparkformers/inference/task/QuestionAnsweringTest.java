package io.sparkformers.inference.task;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden: transformers 4.38.2 QuestionAnsweringPipeline on the fast-tokenizer path
 * (fixtures/question-answering-bert/golden_fast.json): contexts of 1 to 5 windows, top 1 and top 3.
 */
class QuestionAnsweringTest {
  private static final String MODEL = "question-answering-bert";
  private static final long CLS_TOKEN_ID = 2; // "[CLS]" in tokenizer.json

  private static HuggingFaceTokenizer tokenizer;
  private static QuestionAnsweringPreprocessor preprocessor;
  private static OnnxModel model;
  private static final QuestionAnsweringDecoder decoder = new QuestionAnsweringDecoder();

  @BeforeAll
  static void load() throws Exception {
    int modelMaxLength =
        Fixtures.json(MODEL, "tokenizer_config.json").get("model_max_length").asInt();
    QuestionAnsweringSettings settings = QuestionAnsweringSettings.DEFAULTS;
    tokenizer =
        QuestionAnsweringPreprocessor.windowTokenizer(
            Fixtures.model(MODEL),
            settings.resolvedMaxSeqLen(modelMaxLength),
            settings.resolvedDocStride(modelMaxLength));
    preprocessor = new QuestionAnsweringPreprocessor(tokenizer, OptionalLong.of(CLS_TOKEN_ID));
    model = new OnnxModel(Fixtures.model(MODEL).resolve("onnx/model.onnx"));
  }

  @AfterAll
  static void close() throws Exception {
    tokenizer.close();
    model.close();
  }

  private static List<JsonNode> cases() {
    List<JsonNode> cases = new ArrayList<>();
    Fixtures.json(MODEL, "golden_fast.json").get("cases").forEach(cases::add);
    return cases;
  }

  /** The model's start and end logits for every window, in window order. */
  private static List<List<float[]>> logits(QuestionAnsweringFeatures features) throws Exception {
    List<float[]> starts = new ArrayList<>();
    List<float[]> ends = new ArrayList<>();
    for (ContextWindow window : features.windows()) {
      Encoding encoding = window.encoding();
      Map<String, float[]> outputs =
          model.run(encoding.getIds(), encoding.getAttentionMask(), encoding.getTypeIds());
      starts.add(outputs.get("start_logits"));
      ends.add(outputs.get("end_logits"));
    }
    return List.of(starts, ends);
  }

  private static List<Answer> answer(
      String question, String context, QuestionAnsweringSettings settings) throws Exception {
    QuestionAnsweringFeatures features = preprocessor.preprocess(question, context);
    List<List<float[]>> logits = logits(features);
    return decoder.postprocess(features, logits.get(0), logits.get(1), settings);
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
          preprocessor.preprocess(golden.get("question").asText(), golden.get("context").asText());
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
        preprocessor.preprocess(
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
  void topAnswerMatchesTheFastPipeline() throws Exception {
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
  void topThreeAnswersMatchTheFastPipeline() throws Exception {
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
        preprocessor.preprocess(
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
  void answersAreCodePointSlicesOfTheContext() throws Exception {
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
    assertThrows(InvalidInputException.class, () -> preprocessor.preprocess("", "Some context."));
    assertThrows(InvalidInputException.class, () -> preprocessor.preprocess("Who?", ""));
  }

  @Test
  void questionThatFillsTheWindowIsInvalidInput() {
    String question = "where does the man who lives in new york work ".repeat(8);
    assertThrows(
        InvalidInputException.class,
        () -> preprocessor.preprocess(question, "He works in London."));
  }
}
