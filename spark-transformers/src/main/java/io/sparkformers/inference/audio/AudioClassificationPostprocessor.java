package io.sparkformers.inference.audio;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * As AudioClassificationPipeline.postprocess: softmax over the logits of one clip, the
 * {@code topK} best (clipped to the number of labels), named through id2label.
 */
public final class AudioClassificationPostprocessor {
  private final List<String> labels;

  public AudioClassificationPostprocessor(List<String> labels) {
    this.labels = List.copyOf(labels);
  }

  public List<LabelScore> apply(float[] logits, int topK) {
    if (logits.length != labels.size()) {
      throw new IllegalArgumentException(
          "model returned " + logits.length + " logits for " + labels.size() + " labels");
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float logit : logits) {
      max = Math.max(max, logit);
    }
    double sum = 0;
    double[] exp = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      exp[i] = Math.exp(logits[i] - max);
      sum += exp[i];
    }
    List<LabelScore> scores = new ArrayList<>(logits.length);
    for (int i = 0; i < logits.length; i++) {
      scores.add(new LabelScore(labels.get(i), (float) (exp[i] / sum)));
    }
    scores.sort(Comparator.comparingDouble(LabelScore::score).reversed());
    return List.copyOf(scores.subList(0, Math.min(Math.max(topK, 0), scores.size())));
  }
}
