package io.sparkformers.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.model.ModelFolderException;
import java.util.Set;

/**
 * What the audio pipelines need from a model's {@code config.json}: that its model_type is of the
 * wav2vec2 family, and how many input samples make one logit frame (the product of conv_stride, as
 * Wav2Vec2Config.inputs_to_logits_ratio).
 */
public record AudioModelConfig(String modelType, int inputsToLogitsRatio) {

  /**
   * Model types whose transformers config defines inputs_to_logits_ratio as the product of
   * conv_stride and whose processor is Wav2Vec2FeatureExtractor on raw 16 kHz-style waveforms.
   */
  static final Set<String> WAVEFORM_MODEL_TYPES = Set.of(
      "wav2vec2", "wav2vec2-conformer", "hubert", "wavlm", "data2vec-audio", "unispeech", "unispeech-sat");

  public static AudioModelConfig of(ModelBundle bundle) {
    String type = bundle.modelType();
    if (!WAVEFORM_MODEL_TYPES.contains(type)) {
      throw new ModelFolderException(bundle.dir() + "/config.json: model_type '" + type
          + "' is not a waveform model; audio tasks support " + WAVEFORM_MODEL_TYPES);
    }
    JsonNode strides = bundle.config().path("conv_stride");
    if (!strides.isArray() || strides.isEmpty()) {
      throw new ModelFolderException(bundle.dir() + "/config.json has no conv_stride list");
    }
    int ratio = 1;
    for (JsonNode stride : strides) {
      ratio *= stride.asInt();
    }
    return new AudioModelConfig(type, ratio);
  }
}
