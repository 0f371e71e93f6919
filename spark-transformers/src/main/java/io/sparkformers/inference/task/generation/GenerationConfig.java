package io.sparkformers.inference.task.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkformers.inference.model.ModelBundle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How to generate, under transformers' GenerationConfig names and defaults (4.38), resolved as a
 * transformers pipeline does: the defaults, then the model's generation_config.json (else the
 * generation keys of config.json, as GenerationConfig.from_model_config), then the task's
 * config.json task_specific_params entry, then the caller's settings ({@code generate(**kwargs)}).
 * Settings that change the output and are not implemented here are rejected, never ignored.
 */
public final class GenerationConfig {
  /** early_stopping: True, False or "never" (see {@link BeamHypotheses#isDone}). */
  public enum EarlyStopping { TRUE, FALSE, NEVER }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every setting read, with transformers' default; seed is ours (transformers seeds torch globally). */
  private static final Map<String, Object> DEFAULTS = new LinkedHashMap<>();
  /** Settings with their neutral value: any other value is refused. */
  private static final Map<String, Object> UNSUPPORTED = new LinkedHashMap<>();

  static {
    DEFAULTS.put("max_length", 20);
    DEFAULTS.put("max_new_tokens", null);
    DEFAULTS.put("min_length", 0);
    DEFAULTS.put("min_new_tokens", null);
    DEFAULTS.put("early_stopping", false);
    DEFAULTS.put("do_sample", false);
    DEFAULTS.put("num_beams", 1);
    DEFAULTS.put("temperature", 1.0);
    DEFAULTS.put("top_k", 50);
    DEFAULTS.put("top_p", 1.0);
    DEFAULTS.put("repetition_penalty", 1.0);
    DEFAULTS.put("length_penalty", 1.0);
    DEFAULTS.put("no_repeat_ngram_size", 0);
    DEFAULTS.put("bad_words_ids", null);
    DEFAULTS.put("bos_token_id", null);
    DEFAULTS.put("eos_token_id", null);
    DEFAULTS.put("pad_token_id", null);
    DEFAULTS.put("decoder_start_token_id", null);
    DEFAULTS.put("forced_bos_token_id", null);
    DEFAULTS.put("forced_eos_token_id", null);
    DEFAULTS.put("seed", 0);

    UNSUPPORTED.put("num_return_sequences", 1);
    UNSUPPORTED.put("num_beam_groups", 1);
    UNSUPPORTED.put("diversity_penalty", 0.0);
    UNSUPPORTED.put("penalty_alpha", null);
    UNSUPPORTED.put("typical_p", 1.0);
    UNSUPPORTED.put("epsilon_cutoff", 0.0);
    UNSUPPORTED.put("eta_cutoff", 0.0);
    UNSUPPORTED.put("encoder_repetition_penalty", 1.0);
    UNSUPPORTED.put("encoder_no_repeat_ngram_size", 0);
    UNSUPPORTED.put("renormalize_logits", false);
    UNSUPPORTED.put("guidance_scale", null);
    UNSUPPORTED.put("sequence_bias", null);
    UNSUPPORTED.put("exponential_decay_length_penalty", null);
    UNSUPPORTED.put("suppress_tokens", null);
    UNSUPPORTED.put("begin_suppress_tokens", null);
    UNSUPPORTED.put("forced_decoder_ids", null);
    UNSUPPORTED.put("force_words_ids", null);
  }

  private final int maxLength;
  private final Integer maxNewTokens;
  private final int minLength;
  private final int minNewTokens;
  private final EarlyStopping earlyStopping;
  private final boolean doSample;
  private final int numBeams;
  private final double temperature;
  private final int topK;
  private final double topP;
  private final double repetitionPenalty;
  private final double lengthPenalty;
  private final int noRepeatNgramSize;
  private final List<long[]> badWordsIds;
  private final long[] eosTokenIds;
  private final Long padTokenId;
  private final Long bosTokenId;
  private final Long decoderStartTokenId;
  private final Long forcedBosTokenId;
  private final long[] forcedEosTokenIds;
  private final long seed;

  private GenerationConfig(JsonNode c) {
    maxLength = c.get("max_length").asInt();
    maxNewTokens = c.get("max_new_tokens").isNull() ? null : c.get("max_new_tokens").asInt();
    minLength = c.get("min_length").asInt();
    minNewTokens = c.get("min_new_tokens").isNull() ? 0 : c.get("min_new_tokens").asInt();
    earlyStopping = earlyStopping(c.get("early_stopping"));
    doSample = bool(c, "do_sample");
    numBeams = c.get("num_beams").asInt();
    temperature = c.get("temperature").asDouble();
    topK = c.get("top_k").asInt();
    topP = c.get("top_p").asDouble();
    repetitionPenalty = c.get("repetition_penalty").asDouble();
    lengthPenalty = c.get("length_penalty").asDouble();
    noRepeatNgramSize = c.get("no_repeat_ngram_size").asInt();
    badWordsIds = sequences(c.get("bad_words_ids"));
    eosTokenIds = ids(c.get("eos_token_id"));
    bosTokenId = id(c.get("bos_token_id"));
    // transformers pads with the first eos when the model names no pad token
    Long pad = id(c.get("pad_token_id"));
    padTokenId = pad != null || eosTokenIds.length == 0 ? pad : eosTokenIds[0];
    decoderStartTokenId = id(c.get("decoder_start_token_id"));
    forcedBosTokenId = id(c.get("forced_bos_token_id"));
    forcedEosTokenIds = ids(c.get("forced_eos_token_id"));
    seed = c.get("seed").asLong();
    validate();
  }

  /**
   * @param task the pipeline's task name, whose task_specific_params entry applies (as
   *     "summarization", "translation_en_to_de")
   * @param overrides the caller's settings by transformers name (max_new_tokens, do_sample, ...)
   */
  public static GenerationConfig resolve(ModelBundle bundle, String task, Map<String, ?> overrides) {
    ObjectNode merged = JSON.valueToTree(DEFAULTS);
    JsonNode model = ModelBundle.readJsonIfPresent(bundle.dir().resolve("generation_config.json"))
        .orElse(bundle.config());
    layer(merged, model, false);
    layer(merged, taskSpecificParams(bundle, task), false);
    layer(merged, JSON.valueToTree(overrides), true);
    return new GenerationConfig(merged);
  }

  /** config.json's task_specific_params entry for {@code task}, or an empty object. */
  public static JsonNode taskSpecificParams(ModelBundle bundle, String task) {
    JsonNode params = bundle.config().path("task_specific_params").path(task);
    return params.isObject() ? params : JSON.createObjectNode();
  }

  /** Copies the known settings of {@code source} over {@code target}; a caller's unknown name is an error. */
  private static void layer(ObjectNode target, JsonNode source, boolean strict) {
    for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (DEFAULTS.containsKey(name)) {
        target.set(name, e.getValue());
      } else if (UNSUPPORTED.containsKey(name)) {
        JsonNode neutral = JSON.valueToTree(UNSUPPORTED.get(name));
        if (!e.getValue().isNull() && !sameValue(e.getValue(), neutral)) {
          throw new IllegalArgumentException("generation setting " + name + "=" + e.getValue()
              + " is not supported (sparkformers implements greedy search, sampling and beam search)");
        }
      } else if (strict) {
        throw new IllegalArgumentException("unknown generation setting '" + name + "'; known: "
            + String.join(", ", DEFAULTS.keySet()));
      }
    }
  }

  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) return a.asDouble() == b.asDouble();
    return a.equals(b);
  }

  /** The checks of transformers' GenerationConfig.validate that concern what is implemented. */
  private void validate() {
    require(numBeams >= 1, "num_beams must be >= 1, got " + numBeams);
    require(!(doSample && numBeams > 1), "do_sample with num_beams > 1 (beam sampling) is not supported");
    require(maxNewTokens == null || maxNewTokens >= 1, "max_new_tokens must be >= 1, got " + maxNewTokens);
    require(minLength >= 0 && minNewTokens >= 0, "min_length and min_new_tokens must be >= 0");
    require(temperature > 0, "temperature must be > 0, got " + temperature);
    require(topK >= 0, "top_k must be >= 0, got " + topK);
    require(topP > 0 && topP <= 1, "top_p must be in (0, 1], got " + topP);
    require(repetitionPenalty > 0, "repetition_penalty must be > 0, got " + repetitionPenalty);
    require(noRepeatNgramSize >= 0, "no_repeat_ngram_size must be >= 0, got " + noRepeatNgramSize);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  private static boolean bool(JsonNode c, String name) {
    JsonNode v = c.get(name);
    if (v.isTextual()) return Boolean.parseBoolean(v.asText());
    return v.asBoolean();
  }

  private static EarlyStopping earlyStopping(JsonNode v) {
    String s = v.asText().toLowerCase(Locale.ROOT);
    switch (s) {
      case "true":
        return EarlyStopping.TRUE;
      case "false":
        return EarlyStopping.FALSE;
      case "never":
        return EarlyStopping.NEVER;
      default:
        throw new IllegalArgumentException("early_stopping must be true, false or never, got " + v);
    }
  }

  private static Long id(JsonNode v) {
    return v == null || v.isNull() ? null : v.asLong();
  }

  /** A token id or a list of them (eos_token_id may be either). */
  private static long[] ids(JsonNode v) {
    if (v == null || v.isNull()) return new long[0];
    if (!v.isArray()) return new long[] {v.asLong()};
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = v.get(i).asLong();
    return out;
  }

  private static List<long[]> sequences(JsonNode v) {
    List<long[]> out = new ArrayList<>();
    if (v != null) for (JsonNode s : v) out.add(ids(s));
    return out;
  }

  /**
   * The longest sequence (decoder prompt included) for a row whose decoder prompt has {@code
   * promptLength} tokens: prompt + max_new_tokens when set, else max_length, as generate computes
   * it. transformers counts the padded width of a batch here; a row's own length keeps its output
   * the same in any batch.
   */
  public int maxLength(int promptLength) {
    return maxLength(promptLength, maxNewTokens);
  }

  /** {@link #maxLength(int)} for a row with its own max_new_tokens (null: the config's). */
  public int maxLength(int promptLength, Integer rowMaxNewTokens) {
    Integer newTokens = rowMaxNewTokens != null ? rowMaxNewTokens : maxNewTokens;
    return newTokens != null ? promptLength + newTokens : maxLength;
  }

  /** The first decoder token of an encoder-decoder model: decoder_start_token_id, else bos_token_id. */
  public long decoderStartTokenId() {
    Long start = decoderStartTokenId != null ? decoderStartTokenId : bosTokenId;
    if (start == null) {
      throw new IllegalArgumentException("the model sets neither decoder_start_token_id nor bos_token_id");
    }
    return start;
  }

  /** pad_token_id (else the first eos, else 0: a padded position is masked, so any id does). */
  public long padTokenId() {
    return padTokenId == null ? 0 : padTokenId;
  }

  public int minLength() { return minLength; }
  public int minNewTokens() { return minNewTokens; }
  public EarlyStopping earlyStopping() { return earlyStopping; }
  public boolean doSample() { return doSample; }
  public int numBeams() { return numBeams; }
  public double temperature() { return temperature; }
  public int topK() { return topK; }
  public double topP() { return topP; }
  public double repetitionPenalty() { return repetitionPenalty; }
  public double lengthPenalty() { return lengthPenalty; }
  public int noRepeatNgramSize() { return noRepeatNgramSize; }
  public List<long[]> badWordsIds() { return badWordsIds; }
  public long[] eosTokenIds() { return eosTokenIds.clone(); }
  public Long forcedBosTokenId() { return forcedBosTokenId; }
  public long[] forcedEosTokenIds() { return forcedEosTokenIds.clone(); }
  public long seed() { return seed; }

  boolean isEos(long token) {
    for (long e : eosTokenIds) if (e == token) return true;
    return false;
  }
}
