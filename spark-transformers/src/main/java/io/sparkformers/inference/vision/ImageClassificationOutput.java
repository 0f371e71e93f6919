package io.sparkformers.inference.vision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ImageClassificationPipeline.postprocess: an activation over one row of logits, then the
 * {@code top_k} labels by score (ties keep label order, as Python's stable sort does).
 */
public final class ImageClassificationOutput {
  /** The pipeline's {@code function_to_apply}. */
  public enum Activation {
    SOFTMAX, SIGMOID, NONE;

    /**
     * The pipeline's default: sigmoid for multi-label problems or a single label, softmax
     * otherwise.
     */
    public static Activation forModel(String problemType, int numLabels) {
      if ("multi_label_classification".equals(problemType) || numLabels == 1) {
        return SIGMOID;
      }
      return SOFTMAX;
    }
  }

  private ImageClassificationOutput() {}

  /**
   * @param logits one row of the {@code logits} output, one value per label
   * @param labels id2label, indexed by id
   * @param topK how many to return; clipped to the number of labels as the pipeline does
   */
  public static List<Classification> topK(float[] logits, List<String> labels, Activation activation, int topK) {
    if (logits.length != labels.size()) {
      throw new IllegalArgumentException(logits.length + " logits for " + labels.size() + " labels");
    }
    float[] scores = activate(logits, activation);
    List<Classification> all = new ArrayList<>(scores.length);
    for (int i = 0; i < scores.length; i++) {
      all.add(new Classification(labels.get(i), scores[i]));
    }
    all.sort(Comparator.comparingDouble(Classification::score).reversed());
    return List.copyOf(all.subList(0, Math.min(Math.max(topK, 0), all.size())));
  }

  private static float[] activate(float[] logits, Activation activation) {
    float[] out = new float[logits.length];
    switch (activation) {
      case SOFTMAX -> Activations.softmax(logits, 0, logits.length, out);
      case SIGMOID -> {
        for (int i = 0; i < logits.length; i++) {
          out[i] = Activations.sigmoid(logits[i]);
        }
      }
      case NONE -> System.arraycopy(logits, 0, out, 0, logits.length);
    }
    return out;
  }
}
