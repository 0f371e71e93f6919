package io.sparkformers.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What audio post-processing needs from a model's {@code config.json}: the labels in id order
 * and how many input samples make one logit frame (the product of conv_stride, as
 * Wav2Vec2Config.inputs_to_logits_ratio).
 */
public record AudioModelConfig(List<String> id2label, int inputsToLogitsRatio) {

  public static AudioModelConfig load(Path configJson) {
    JsonNode config;
    try {
      config = new ObjectMapper().readTree(configJson.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configJson, e);
    }
    List<String> labels = new ArrayList<>();
    JsonNode id2label = config.path("id2label");
    for (int id = 0; id2label.has(String.valueOf(id)); id++) {
      labels.add(id2label.get(String.valueOf(id)).asText());
    }
    if (labels.size() != id2label.size()) {
      throw new IllegalArgumentException(configJson + ": id2label ids are not 0.." + (id2label.size() - 1));
    }
    int ratio = 1;
    for (JsonNode stride : config.path("conv_stride")) {
      ratio *= stride.asInt();
    }
    return new AudioModelConfig(List.copyOf(labels), ratio);
  }
}
