package io.sparkformers.inference.task.text;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.Encoding;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.text.TextTokenizer;
import io.sparkformers.inference.text.TokenizerVocabulary;
import io.sparkformers.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Golden: transformers 4.38.2 TokenClassificationPipeline on the fast-tokenizer path
 * (fixtures/token-classification-bert/golden_fast.json), all five aggregation strategies.
 */
class TokenClassificationTest {
  private static final String MODEL = "token-classification-bert";
  private static final long UNKNOWN_TOKEN_ID = 1; // "[UNK]" in tokenizer.json

  private static final ModelSpec.Model model = Fixtures.open(Fixtures.model(MODEL));
  private static final TextTokenizer tokenizer =
      model.tokenizer(null, TextTokenizer.Truncation.LONGEST_FIRST, 0, false);
  private static final Map<Integer, String> id2label = new TreeMap<>();
  private static String[] labels;
  private static TokenClassificationDecoder decoder;

  @BeforeAll
  static void load() {
    List<String> names = model.bundle().labels();
    for (int i = 0; i < names.size(); i++) id2label.put(i, names.get(i));
    labels = names.toArray(String[]::new);
    decoder =
        new TokenClassificationDecoder(
            id2label, OptionalLong.of(UNKNOWN_TOKEN_ID), true, ids -> tokenizer.decode(ids, false),
            TokenizerVocabulary.of(model.bundle()).decoder());
  }

  private static List<TokenEntity> predict(String text, TokenClassificationSettings settings) {
    TokenClassificationPipeline pipeline =
        new TokenClassificationPipeline(model, settings, null, 1_000_000);
    return pipeline.predict(List.of(pipeline.preprocess(text))).get(0);
  }

  @ParameterizedTest
  @EnumSource(AggregationStrategy.class)
  void entitiesMatchTheFastPipeline(AggregationStrategy strategy) {
    TokenClassificationSettings settings =
        TokenClassificationSettings.DEFAULTS.withAggregationStrategy(strategy);
    for (JsonNode golden : Fixtures.golden(MODEL, "golden_fast.json").get("cases")) {
      String text = golden.get("text").asText();
      JsonNode expected = golden.get("pipeline").get(strategy.name().toLowerCase());
      List<TokenEntity> actual = predict(text, settings);
      assertEquals(expected.size(), actual.size(), () -> text + "\n" + actual);
      for (int i = 0; i < actual.size(); i++) {
        assertEntity(expected.get(i), actual.get(i), strategy, text + " #" + i);
      }
    }
  }

  private static void assertEntity(
      JsonNode expected, TokenEntity actual, AggregationStrategy strategy, String where) {
    boolean grouped = strategy != AggregationStrategy.NONE;
    assertAll(
        where,
        () ->
            assertEquals(
                expected.get(grouped ? "entity_group" : "entity").asText(), actual.label()),
        () -> assertEquals(grouped ? null : actual.label(), actual.entity()),
        () -> assertEquals(expected.get("word").asText(), actual.word()),
        () -> assertEquals(expected.get("start").asInt(), actual.start()),
        () -> assertEquals(expected.get("end").asInt(), actual.end()),
        () -> assertEquals(grouped ? null : expected.get("index").asInt(), actual.index()),
        () -> assertEquals(expected.get("score").floatValue(), actual.score(), 1e-4));
  }

  @Test
  void ignoreLabelsEmptyKeepsOTokens() {
    String text = "hello world";
    List<TokenEntity> all =
        predict(text, TokenClassificationSettings.DEFAULTS.withIgnoreLabels(List.of()));
    // every non-special token is reported, "O" included
    assertEquals(List.of("hello", "world"), all.stream().map(TokenEntity::word).toList());
    List<TokenEntity> withoutLoc =
        predict(text, TokenClassificationSettings.DEFAULTS.withIgnoreLabels(List.of("O", "I-LOC")));
    assertEquals(List.of("hello"), withoutLoc.stream().map(TokenEntity::word).toList());
  }

  @Test
  void unknownTokenIsReportedAsTheTextItStandsFor() {
    // "☃" is not in the vocabulary; every token is labelled I-LOC so all group into one entity,
    // whose word is the Rust WordPiece decoder over the tokens with "☃" in place of "[UNK]".
    String text = "Zürich ☃.";
    Encoding encoding = tokenizer.encode(text);
    float[] logits = new float[encoding.getIds().length * labels.length];
    for (int token = 0; token < encoding.getIds().length; token++) {
      logits[token * labels.length + Arrays.asList(labels).indexOf("I-LOC")] = 5f;
    }
    TokenClassificationFeatures features = new TokenClassificationFeatures(text, encoding);

    List<TokenEntity> simple =
        decoder.postprocess(
            features,
            logits,
            TokenClassificationSettings.DEFAULTS.withAggregationStrategy(
                AggregationStrategy.SIMPLE));
    assertEquals(
        List.of(TokenEntity.group("LOC", simple.get(0).score(), "zurich ☃.", 0, 9)), simple);

    List<TokenEntity> none =
        decoder.postprocess(features, logits, TokenClassificationSettings.DEFAULTS);
    List<String> words = new ArrayList<>();
    none.forEach(entity -> words.add(entity.word()));
    assertEquals(List.of("z", "##u", "##ri", "##c", "##h", "☃", "."), words);
  }

  @Test
  void withoutSubwordPrefixATokenTouchingThePreviousOneContinuesItsWord() {
    // "london" scores B-LOC and "." I-PER. A WordPiece vocabulary knows "." is a word of its own;
    // transformers' fallback for tokenizers without a continuing-subword prefix joins any token
    // that no space separates from the previous one, so under FIRST "." takes london's label.
    String text = "in London.";
    Encoding encoding = tokenizer.encode(text); // [CLS] in london . [SEP]
    float[] logits = new float[encoding.getIds().length * labels.length];
    List<String> labelList = Arrays.asList(labels);
    logits[2 * labels.length + labelList.indexOf("B-LOC")] = 5f;
    logits[3 * labels.length + labelList.indexOf("I-PER")] = 5f;
    TokenClassificationFeatures features = new TokenClassificationFeatures(text, encoding);
    TokenClassificationSettings first =
        TokenClassificationSettings.DEFAULTS.withAggregationStrategy(AggregationStrategy.FIRST);
    TokenClassificationDecoder fallback =
        new TokenClassificationDecoder(
            id2label,
            OptionalLong.of(UNKNOWN_TOKEN_ID),
            false,
            ids -> tokenizer.decode(ids, false),
            TokenizerVocabulary.of(model.bundle()).decoder());

    List<String> wordAware =
        decoder.postprocess(features, logits, first).stream().map(TokenEntity::word).toList();
    List<TokenEntity> heuristic = fallback.postprocess(features, logits, first);

    assertEquals(List.of("london", "."), wordAware);
    assertEquals(List.of("LOC"), heuristic.stream().map(TokenEntity::label).toList());
    assertEquals(List.of("london."), heuristic.stream().map(TokenEntity::word).toList());
  }
}
