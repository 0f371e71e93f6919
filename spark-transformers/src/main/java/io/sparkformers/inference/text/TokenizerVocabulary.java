package io.sparkformers.inference.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Facts about a tokenizer that DJL's binding does not expose, read from tokenizer.json (and the
 * special-tokens files): the unknown and CLS token ids, whether subwords carry a prefix ("##"), and
 * the decoder's specification.
 */
public record TokenizerVocabulary(
    OptionalLong unknownTokenId, OptionalLong clsTokenId, boolean continuingSubwordPrefix, JsonNode decoder) {

  public static TokenizerVocabulary of(ModelBundle bundle) {
    Path file = bundle.tokenizerFile();
    JsonNode json = ModelBundle.readJson(file);
    JsonNode model = json.path("model");
    String unk = model.path("unk_token").asText(null);
    JsonNode prefix = model.get("continuing_subword_prefix");
    String cls = bundle.tokenizerConfig().map(c -> tokenText(c.get("cls_token"))).orElse(null);
    if (cls == null) cls = ModelBundle.readJsonIfPresent(bundle.dir().resolve("special_tokens_map.json"))
        .map(c -> tokenText(c.get("cls_token"))).orElse(null);
    // Unigram models (SentencePiece) name their unknown token by id, the others by text
    JsonNode unkId = model.get("unk_id");
    return new TokenizerVocabulary(
        unkId != null && unkId.canConvertToLong() ? OptionalLong.of(unkId.asLong()) : id(json, unk),
        id(json, cls),
        prefix != null && !prefix.isNull() && !prefix.asText().isEmpty(),
        json.path("decoder"));
  }

  /**
   * The id of an added token (tokenizer.json added_tokens, where language codes such as mBART's
   * "de_DE" live), not of an ordinary vocabulary entry that happens to read the same.
   */
  public static OptionalLong addedTokenId(ModelBundle bundle, String token) {
    for (JsonNode added : ModelBundle.readJson(bundle.tokenizerFile()).path("added_tokens")) {
      if (token.equals(added.path("content").asText())) return OptionalLong.of(added.path("id").asLong());
    }
    return OptionalLong.empty();
  }

  /** A special token is written either as its text or as {"content": text, ...}. */
  private static String tokenText(JsonNode token) {
    if (token == null || token.isNull()) return null;
    return token.isObject() ? token.path("content").asText(null) : token.asText();
  }

  /** The id of a token: among added tokens, else in the model's vocabulary (a map, or Unigram's list). */
  private static OptionalLong id(JsonNode tokenizer, String token) {
    if (token == null) return OptionalLong.empty();
    for (JsonNode added : tokenizer.path("added_tokens")) {
      if (token.equals(added.path("content").asText())) return OptionalLong.of(added.path("id").asLong());
    }
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (vocab.isObject() && vocab.has(token)) return OptionalLong.of(vocab.get(token).asLong());
    if (vocab.isArray()) {
      for (int i = 0; i < vocab.size(); i++) {
        if (token.equals(vocab.get(i).path(0).asText())) return OptionalLong.of(i);
      }
    }
    return OptionalLong.empty();
  }
}
