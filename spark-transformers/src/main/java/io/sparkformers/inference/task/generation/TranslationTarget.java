package io.sparkformers.inference.task.generation;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.text.TokenizerVocabulary;
import java.util.Iterator;
import java.util.OptionalLong;

/**
 * What a translation's languages select in a model, as transformers' translation pipeline does:
 * the config.json task_specific_params entry translation_{src}_to_{tgt} (T5: its prefix and
 * generation settings; with no languages the first translation_* entry, as pipeline("translation")
 * falls back to), else, for tokenizers with language-code tokens (mBART-50 "de_DE", NLLB
 * "deu_Latn", M2M100 "__de__"), the target's token as forced_bos_token_id. A model with neither
 * (a one-pair model such as Marian opus-mt-en-de) ignores the languages, as transformers does; one
 * with translation entries but not the one asked for is an error rather than a prefix-less run. A
 * source language code is fixed in tokenizer.json's post-processor when the tokenizer is saved
 * (transformers re-templates it per call from src_lang), so a source language other than the saved
 * one is an error rather than ignored.
 *
 * @param task the task_specific_params key to apply ("translation" when none)
 * @param forcedBosTokenId the target language token, or null
 */
public record TranslationTarget(String task, Long forcedBosTokenId) {

  /** @param srcLang source language or null; @param tgtLang target language or null */
  public static TranslationTarget resolve(ModelBundle bundle, String srcLang, String tgtLang) {
    JsonNode params = bundle.config().path("task_specific_params");
    String entry = taskEntry(params, srcLang, tgtLang);
    if (entry != null) return new TranslationTarget(entry, null);
    if (srcLang != null && languageToken(bundle, srcLang).isPresent()) requireSavedSource(bundle, srcLang);
    if (tgtLang != null) {
      OptionalLong token = languageToken(bundle, tgtLang);
      if (token.isPresent()) return new TranslationTarget("translation", token.getAsLong());
    }
    if (taskEntry(params, null, null) != null) {
      throw new IllegalArgumentException("the model translates only as its task_specific_params say ("
          + String.join(", ", (Iterable<String>) params::fieldNames) + "); it has no translation_"
          + (srcLang == null ? "*" : srcLang) + "_to_" + tgtLang + " and its tokenizer no language token '"
          + tgtLang + "'");
    }
    return new TranslationTarget("translation", null);
  }

  /** The language-code token of {@code lang}: "de_DE", "deu_Latn" as they are, M2M100's "__de__". */
  private static OptionalLong languageToken(ModelBundle bundle, String lang) {
    OptionalLong token = TokenizerVocabulary.addedTokenId(bundle, lang);
    return token.isPresent() ? token : TokenizerVocabulary.addedTokenId(bundle, "__" + lang + "__");
  }

  /**
   * The source language tokenizer.json was saved with (tokenizer_config.json src_lang) is the only
   * one its post-processor marks inputs with.
   */
  private static void requireSavedSource(ModelBundle bundle, String srcLang) {
    String saved = bundle.tokenizerConfig().map(c -> c.path("src_lang").asText(null)).orElse(null);
    if (!srcLang.equals(saved)) {
      throw new IllegalArgumentException("src_lang " + srcLang + " is not the source language this model's"
          + " tokenizer.json marks its inputs with (" + (saved == null ? "tokenizer_config.json names none" : saved)
          + "); save the tokenizer with src_lang=" + srcLang + " (tokenizer.src_lang = ...; save_pretrained)");
    }
  }

  /** The first translation_{src}_to_{tgt} key, any language standing for a missing one. */
  private static String taskEntry(JsonNode params, String srcLang, String tgtLang) {
    for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      String[] parts = key.split("_");
      if (parts.length != 4 || !parts[0].equals("translation") || !parts[2].equals("to")) continue;
      if ((srcLang == null || parts[1].equals(srcLang)) && (tgtLang == null || parts[3].equals(tgtLang))) return key;
    }
    return null;
  }
}
