package io.sparkformers.inference.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.testing.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTokenizerTest {
  private static final String MODEL = "text-classification-bert";
  private final ModelBundle bundle = ModelBundle.open(Fixtures.model(MODEL));
  private final JsonNode golden = Fixtures.golden(MODEL, "tokenizer_golden.json");

  private static long[] ids(JsonNode item) {
    long[] ids = new long[item.get("ids").size()];
    for (int i = 0; i < ids.length; i++) ids[i] = item.get("ids").get(i).asLong();
    return ids;
  }

  @Test
  void modelMaxLengthFromTokenizerConfigCapsTruncation() {
    try (TextTokenizer tokenizer = TextTokenizer.load(bundle, 512)) {
      assertEquals(64, tokenizer.maxLength());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text-classification-bert", "token-classification-bert", "question-answering-bert",
      "text-generation-llama", "summarization-pegasus", "translation-mbart", "translation-marian"})
  void idsEqualThePythonTokenizersOnEveryGoldenString(String model) {
    JsonNode golden = Fixtures.golden(model, "tokenizer_golden.json");
    try (TextTokenizer tokenizer = TextTokenizer.load(ModelBundle.open(Fixtures.model(model)), null)) {
      int compared = 0;
      for (JsonNode item : golden.get("items")) {
        long[] expected = ids(item);
        if (expected.length > tokenizer.maxLength()) continue;
        assertArrayEquals(expected, tokenizer.encode(item.get("text").asText()).getIds(), item.get("text").asText());
        compared++;
      }
      assertTrue(compared >= golden.get("items").size() - 1, "only the long text may exceed model_max_length");
    }
  }

  @Test
  void truncationKeepsTheSpecialTokensAsTransformersDoes() {
    try (TextTokenizer tokenizer = TextTokenizer.load(bundle, null)) {
      for (JsonNode item : golden.get("items")) {
        long[] full = ids(item);
        if (full.length <= 64) continue;
        long[] expected = Arrays.copyOf(Arrays.copyOf(full, 63), 64);
        expected[63] = full[full.length - 1]; // [SEP] survives truncation
        assertArrayEquals(expected, tokenizer.encode(item.get("text").asText()).getIds());
      }
    }
  }

  @Test
  void anExplicitMaxLengthShortensFurther() {
    try (TextTokenizer tokenizer = TextTokenizer.load(bundle, 8)) {
      long[] ids = tokenizer.encode("The weather in Paris is terrible today, and it has been for weeks.").getIds();
      assertEquals(8, ids.length);
      assertEquals(2, ids[0]);
      assertEquals(3, ids[7]);
    }
  }
}
