package io.sparkformers.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.task.InvalidInputException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reproduces transformers' Wav2Vec2FeatureExtractor as the pipelines use it: one clip at a time,
 * mixed to mono, resampled to {@code sampling_rate}, normalized to zero mean and unit variance
 * over its own samples ({@code do_normalize}, (x - mean) / sqrt(var + 1e-7)), then padded with
 * {@code padding_value} to the longest clip of the batch.
 */
public final class Wav2Vec2FeatureExtractor {
  public static final String INPUT_VALUES = "input_values";
  public static final String ATTENTION_MASK = "attention_mask";
  private static final double VARIANCE_EPSILON = 1e-7;
  private static final String TYPE = "Wav2Vec2FeatureExtractor";

  private final int samplingRate;
  private final boolean doNormalize;
  private final float paddingValue;
  private final boolean returnAttentionMask;

  public Wav2Vec2FeatureExtractor(
      int samplingRate, boolean doNormalize, float paddingValue, boolean returnAttentionMask) {
    this.samplingRate = samplingRate;
    this.doNormalize = doNormalize;
    this.paddingValue = paddingValue;
    this.returnAttentionMask = returnAttentionMask;
  }

  /** The extractor of a model folder, which must have a Wav2Vec2FeatureExtractor preprocessor_config.json. */
  public static Wav2Vec2FeatureExtractor of(ModelBundle bundle) {
    JsonNode config = bundle.preprocessorConfig().orElseThrow(() -> new ModelFolderException(
        "model folder " + bundle.dir() + " has no preprocessor_config.json: an audio task needs its sampling_rate"));
    String type = config.path("feature_extractor_type").asText(TYPE);
    if (!type.equals(TYPE)) {
      throw new ModelFolderException(bundle.dir() + "/preprocessor_config.json: feature_extractor_type " + type
          + " is not supported; audio tasks run " + TYPE);
    }
    return of(config);
  }

  /** With the defaults of Wav2Vec2FeatureExtractor for what the config leaves out. */
  private static Wav2Vec2FeatureExtractor of(JsonNode config) {
    return new Wav2Vec2FeatureExtractor(
        config.path("sampling_rate").asInt(16000),
        config.path("do_normalize").asBoolean(true),
        (float) config.path("padding_value").asDouble(0.0),
        config.path("return_attention_mask").asBoolean(false));
  }

  public int samplingRate() {
    return samplingRate;
  }

  /**
   * Whether padding is invisible to the model: the config asks for an attention mask and the graph
   * takes one. Otherwise (wav2vec2-base and other feat_extract_norm "group" models) padding is
   * normalized together with the signal, and a padded row scores differently from the clip alone.
   */
  public boolean masksPadding(Collection<String> graphInputs) {
    return returnAttentionMask && graphInputs.contains(ATTENTION_MASK);
  }

  /** A decoded clip mixed to mono and resampled to the model's rate, not yet normalized. */
  public float[] monoAtModelRate(AudioClip clip) {
    return Resampler.resample(clip.mixToMono(), clip.sampleRate(), samplingRate);
  }

  /** Extracts features from mono samples already at {@link #samplingRate()}. */
  public AudioFeatures extract(float[] samples) {
    if (samples.length == 0) {
      throw new InvalidInputException("audio has no samples");
    }
    return new AudioFeatures(doNormalize ? normalize(samples) : samples.clone());
  }

  /** As Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm over the clip's real length. */
  static float[] normalize(float[] x) {
    double mean = 0;
    for (float v : x) {
      mean += v;
    }
    mean /= x.length;
    double variance = 0;
    for (float v : x) {
      variance += (v - mean) * (v - mean);
    }
    variance /= x.length;
    double std = Math.sqrt(variance + VARIANCE_EPSILON);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) ((x[i] - mean) / std);
    }
    return out;
  }

  /**
   * Pads a batch to its longest clip. {@code attention_mask} is produced only when the graph
   * declares it: marking the real samples when the config sets return_attention_mask, and all
   * ones otherwise, because HF then passes no mask and such models (feat_extract_norm "group")
   * treat padding as signal.
   */
  public Map<String, Tensor> collate(List<AudioFeatures> batch, Collection<String> graphInputs) {
    int rows = batch.size();
    int longest = 0;
    for (AudioFeatures features : batch) {
      longest = Math.max(longest, features.inputValues().length);
    }
    float[] values = new float[rows * longest];
    long[] mask = new long[rows * longest];
    for (int r = 0; r < rows; r++) {
      float[] clip = batch.get(r).inputValues();
      System.arraycopy(clip, 0, values, r * longest, clip.length);
      Arrays.fill(values, r * longest + clip.length, (r + 1) * longest, paddingValue);
      Arrays.fill(mask, r * longest, r * longest + (returnAttentionMask ? clip.length : longest), 1L);
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put(INPUT_VALUES, Tensor.floats(values, rows, longest));
    if (graphInputs.contains(ATTENTION_MASK)) {
      inputs.put(ATTENTION_MASK, Tensor.longs(mask, rows, longest));
    }
    return inputs;
  }
}
