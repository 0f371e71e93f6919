package io.sparkformers.inference.task.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * transformers' convert_tokens_to_string over words that were decoded already, as
 * TokenClassificationPipeline.group_sub_entities runs it on the words of aggregate_word (strategies
 * first, average, max): the tokenizer.json decoder a second time. WordPiece puts a space before each
 * word but a "##" one and cleans up the spaces before punctuation, as decoding the ids at once
 * does; Metaspace (SentencePiece) turns only its replacement character into spaces, so decoded words
 * run together ("john", "smith" gives "johnsmith"), unlike the ids decoded at once.
 */
final class WordJoiner {
  private final String prefix;
  private final boolean cleanup;

  private WordJoiner(String prefix, boolean cleanup) {
    this.prefix = prefix;
    this.cleanup = cleanup;
  }

  /**
   * The joiner of a tokenizer.json decoder; empty for the other decoders, whose second pass gives
   * what decoding the group's ids at once gives (ByteLevel words keep their spaces in the text).
   */
  static Optional<WordJoiner> of(JsonNode decoder) {
    return switch (decoder.path("type").asText()) {
      case "WordPiece" -> Optional.of(
          new WordJoiner(decoder.path("prefix").asText("##"), decoder.path("cleanup").asBoolean(true)));
      // decoded words hold no replacement character: the decoder only concatenates them
      case "Metaspace" -> Optional.of(new WordJoiner(null, false));
      default -> Optional.empty();
    };
  }

  /** tokenizers' WordPiece decoder, or Metaspace's, over {@code words}. */
  String join(List<String> words) {
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (prefix != null && i > 0) {
        word = word.startsWith(prefix) ? word.substring(prefix.length()) : " " + word;
      }
      joined.append(cleanup ? cleanUp(word) : word);
    }
    return joined.toString();
  }

  /** tokenizers' decoders::wordpiece::cleanup, token by token. */
  private static String cleanUp(String token) {
    return token.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
        .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
        .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
  }
}
