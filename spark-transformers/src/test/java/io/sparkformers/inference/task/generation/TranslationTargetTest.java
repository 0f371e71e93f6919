package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.text.TokenizerVocabulary;
import io.sparkformers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The languages pick T5's task_specific_params entry, or a language-code token as mBART / NLLB /
 * M2M100 tokenizers have (the mBART fixture, and a synthetic tokenizer.json for the other forms).
 */
class TranslationTargetTest {
  private static final String TOKENIZER = "{\"added_tokens\": ["
      + "{\"id\": 0, \"content\": \"<s>\", \"special\": true},"
      + "{\"id\": 7, \"content\": \"de_DE\", \"special\": true},"
      + "{\"id\": 8, \"content\": \"__fr__\", \"special\": true}],"
      + " \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"<s>\": 0, \"es\": 3}, \"unk_token\": \"<s>\"}}";

  private static ModelBundle multilingual(Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"mbart\"}");
    Files.writeString(dir.resolve("tokenizer.json"), TOKENIZER);
    return ModelBundle.open(dir);
  }

  @Test
  void t5LanguagesPickTheirTaskEntryAndNoneFallsBackToTheFirst() {
    ModelBundle t5 = ModelBundle.open(Fixtures.model("translation-t5"));
    assertEquals(new TranslationTarget("translation_en_to_de", null), TranslationTarget.resolve(t5, "en", "de"));
    assertEquals(new TranslationTarget("translation_en_to_de", null), TranslationTarget.resolve(t5, null, "de"));
    assertEquals(new TranslationTarget("translation_en_to_de", null), TranslationTarget.resolve(t5, null, null));
  }

  @Test
  void aLanguageCodeTokenIsForcedAsTheFirstGeneratedToken(@TempDir Path dir) throws Exception {
    ModelBundle mbart = multilingual(dir);
    assertEquals(7L, TranslationTarget.resolve(mbart, "en_XX", "de_DE").forcedBosTokenId());
    assertEquals(8L, TranslationTarget.resolve(mbart, null, "fr").forcedBosTokenId(), "M2M100's __fr__");
    assertNull(TranslationTarget.resolve(mbart, null, null).forcedBosTokenId());
    // an ordinary vocabulary entry is not a language code: a one-pair model ignores the languages
    assertEquals(new TranslationTarget("translation", null), TranslationTarget.resolve(mbart, "en", "es"));
  }

  @Test
  void mbartTranslatesFromTheSourceLanguageItsTokenizerWasSavedWithOnly() {
    ModelBundle mbart = ModelBundle.open(Fixtures.model("translation-mbart"));
    long roRo = TokenizerVocabulary.addedTokenId(mbart, "ro_RO").getAsLong();
    assertEquals(new TranslationTarget("translation", roRo), TranslationTarget.resolve(mbart, "en_XX", "ro_RO"));
    assertEquals(new TranslationTarget("translation", roRo), TranslationTarget.resolve(mbart, null, "ro_RO"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TranslationTarget.resolve(mbart, "de_DE", "ro_RO"));
    assertTrue(e.getMessage().contains("src_lang de_DE") && e.getMessage().contains("(en_XX)"), e.getMessage());
  }

  @Test
  void aPairAModelWithTranslationEntriesLacksFailsNamingWhatItHas() {
    ModelBundle t5 = ModelBundle.open(Fixtures.model("translation-t5"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TranslationTarget.resolve(t5, "en", "fr"));
    assertTrue(e.getMessage().contains("translation_en_to_de") && e.getMessage().contains("translation_en_to_fr"),
        e.getMessage());
  }
}
