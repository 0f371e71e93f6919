package io.sparkformers.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Greedy CTC decoding as Wav2Vec2CTCTokenizer.decode does it with the ASR pipeline's settings
 * (skip_special_tokens=False): ids to tokens, consecutive repeats grouped, the pad token (the
 * CTC blank) dropped, the word delimiter replaced by replace_word_delimiter_char, the text
 * stripped, lower-cased if do_lower_case, then clean_up_tokenization.
 */
public final class CtcTokenizer {
  private final String[] tokens;
  private final String padToken;
  private final String wordDelimiterToken;
  private final String wordDelimiterReplacement;
  private final boolean lowerCase;
  private final boolean cleanUpSpaces;

  public CtcTokenizer(Map<String, Integer> vocab, String padToken, String wordDelimiterToken,
      String wordDelimiterReplacement, boolean lowerCase, boolean cleanUpSpaces) {
    TreeMap<Integer, String> byId = new TreeMap<>();
    vocab.forEach((token, id) -> byId.put(id, token));
    this.tokens = new String[byId.isEmpty() ? 0 : byId.lastKey() + 1];
    byId.forEach((id, token) -> tokens[id] = token);
    this.padToken = padToken;
    this.wordDelimiterToken = wordDelimiterToken;
    this.wordDelimiterReplacement = wordDelimiterReplacement;
    this.lowerCase = lowerCase;
    this.cleanUpSpaces = cleanUpSpaces;
  }

  /** Reads vocab.json and tokenizer_config.json from a model folder, with the HF defaults. */
  public static CtcTokenizer load(Path modelDir) {
    ObjectMapper json = new ObjectMapper();
    try {
      JsonNode vocab = json.readTree(modelDir.resolve("vocab.json").toFile());
      Path configPath = modelDir.resolve("tokenizer_config.json");
      JsonNode config = Files.exists(configPath) ? json.readTree(configPath.toFile()) : json.createObjectNode();
      Map<String, Integer> ids = new TreeMap<>();
      vocab.fields().forEachRemaining(e -> {
        if (!e.getValue().isInt()) {
          throw new IllegalArgumentException(modelDir + "/vocab.json: multi-language vocabularies are not supported");
        }
        ids.put(e.getKey(), e.getValue().asInt());
      });
      return new CtcTokenizer(ids,
          tokenText(config.get("pad_token"), "<pad>"),
          tokenText(config.get("word_delimiter_token"), "|"),
          config.path("replace_word_delimiter_char").asText(" "),
          config.path("do_lower_case").asBoolean(false),
          config.path("clean_up_tokenization_spaces").asBoolean(true));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CTC tokenizer in " + modelDir, e);
    }
  }

  /** A special token is written either as its text or as an AddedToken object with "content". */
  private static String tokenText(JsonNode node, String fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    return node.isObject() ? node.path("content").asText(fallback) : node.asText();
  }

  public String decode(int[] ids) {
    StringBuilder text = new StringBuilder();
    for (TokenSpan span : charOffsets(ids)) {
      text.append(span.text());
    }
    String out = text.toString().strip();
    if (lowerCase) {
      out = out.toLowerCase(java.util.Locale.ROOT);
    }
    return cleanUpSpaces ? cleanUpTokenization(out) : out;
  }

  /** As _compute_offsets: one span per group of repeated ids, blanks dropped, frames [start, end). */
  public List<TokenSpan> charOffsets(int[] ids) {
    List<TokenSpan> spans = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= ids.length; i++) {
      if (i == ids.length || ids[i] != ids[start]) {
        String token = token(ids[start]);
        if (!token.equals(padToken)) {
          spans.add(new TokenSpan(token.equals(wordDelimiterToken) ? wordDelimiterReplacement : token, start, i));
        }
        start = i;
      }
    }
    return spans;
  }

  /** As Wav2Vec2CTCTokenizer._get_word_offsets: runs of non-delimiter characters. */
  public List<TokenSpan> wordOffsets(List<TokenSpan> chars) {
    List<TokenSpan> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int start = 0;
    int end = 0;
    for (TokenSpan c : chars) {
      boolean delimiter = c.text().equals(wordDelimiterReplacement);
      if (delimiter) {
        if (word.length() > 0) {
          words.add(new TokenSpan(word.toString(), start, end));
          word.setLength(0);
        }
      } else {
        if (word.length() == 0) {
          start = c.start();
        }
        word.append(c.text());
        end = c.end();
      }
    }
    if (word.length() > 0) {
      words.add(new TokenSpan(word.toString(), start, end));
    }
    return words;
  }

  private String token(int id) {
    if (id < 0 || id >= tokens.length || tokens[id] == null) {
      throw new IllegalArgumentException("token id " + id + " is not in the vocabulary");
    }
    return tokens[id];
  }

  /** PreTrainedTokenizerBase.clean_up_tokenization. */
  private static String cleanUpTokenization(String text) {
    return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
        .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
        .replace(" 've", "'ve").replace(" 're", "'re");
  }
}
