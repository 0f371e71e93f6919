package io.sparkformers.inference.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.model.ModelFolderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The model's tokenizer.json through DJL's binding of the Rust tokenizers library: the fast
 * tokenizer transformers uses, so truncation keeps the special tokens exactly as in Python.
 * Thread-safe; one instance is shared by the tasks of an executor.
 */
public final class TextTokenizer implements AutoCloseable {
  /** How long inputs are cut: HF's truncation strategies, with overflow windows when stride > 0. */
  public enum Truncation { LONGEST_FIRST, ONLY_FIRST, ONLY_SECOND, DO_NOT_TRUNCATE }

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
  }

  /** Truncating to {@code maxLength} (or the model's limit when null), no padding, no overflow. */
  public static TextTokenizer load(ModelBundle bundle, Integer maxLength) {
    return load(bundle, maxLength, Truncation.LONGEST_FIRST, 0, false);
  }

  public static TextTokenizer load(
      ModelBundle bundle, Integer maxLength, Truncation truncation, int stride, boolean overflow) {
    return load(bundle, maxLength, truncation, stride, overflow, true);
  }

  /**
   * @param addSpecialTokens false encodes the text alone, as text-generation's tokenizer call does
   *     (add_special_tokens=False)
   */
  public static TextTokenizer load(ModelBundle bundle, Integer maxLength, Truncation truncation, int stride,
      boolean overflow, boolean addSpecialTokens) {
    Path file = bundle.tokenizerFile();
    int modelMax = modelMaxLength(bundle);
    int limit = maxLength == null ? modelMax : Math.min(maxLength, modelMax);
    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", Boolean.toString(addSpecialTokens));
    options.put("truncation", truncation.name());
    options.put("padding", "false");
    options.put("maxLength", Integer.toString(limit));
    options.put("modelMaxLength", Integer.toString(modelMax));
    options.put("stride", Integer.toString(stride));
    options.put("withOverflowingTokens", Boolean.toString(overflow));
    try {
      return new TextTokenizer(HuggingFaceTokenizer.newInstance(file, options), limit);
    } catch (IOException | RuntimeException e) {
      throw new ModelFolderException("cannot load " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The longest input the model takes, found where transformers and sentence-transformers look:
   * sentence_bert_config.json max_seq_length, tokenizer_config.json model_max_length (ignoring the
   * "very large" placeholder), then config.json max_position_embeddings.
   */
  public static int modelMaxLength(ModelBundle bundle) {
    Path sbert = bundle.dir().resolve("sentence_bert_config.json");
    if (Files.isRegularFile(sbert)) {
      JsonNode n = ModelBundle.readJson(sbert).get("max_seq_length");
      if (n != null && n.canConvertToInt()) return n.asInt();
    }
    JsonNode fromTokenizer = bundle.tokenizerConfig().map(c -> c.get("model_max_length")).orElse(null);
    if (fromTokenizer != null && fromTokenizer.isNumber() && fromTokenizer.asLong() < 1_000_000) {
      return fromTokenizer.asInt();
    }
    return bundle.configInt("max_position_embeddings", 512);
  }

  public Encoding encode(String text) {
    return tokenizer.encode(text);
  }

  public Encoding encode(String text, String pair) {
    return tokenizer.encode(text, pair);
  }

  /** The fast tokenizer's decoder: transformers' convert_tokens_to_string over these ids. */
  public String decode(long[] ids, boolean skipSpecialTokens) {
    return tokenizer.decode(ids, skipSpecialTokens);
  }

  /**
   * {@link #decode}, then with {@code cleanUpTokenizationSpaces} the spaces before punctuation and
   * contractions removed, as transformers' clean_up_tokenization (text-generation asks for it).
   */
  public String decode(long[] ids, boolean skipSpecialTokens, boolean cleanUpTokenizationSpaces) {
    String text = decode(ids, skipSpecialTokens);
    if (!cleanUpTokenizationSpaces) return text;
    return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
        .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
        .replace(" 've", "'ve").replace(" 're", "'re");
  }

  public int maxLength() {
    return maxLength;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
