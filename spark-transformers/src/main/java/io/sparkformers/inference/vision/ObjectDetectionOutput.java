package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.ClassScores;
import java.util.ArrayList;
import java.util.List;

/**
 * DetrImageProcessor.post_process_object_detection followed by the object-detection pipeline's
 * formatting, for one image: softmax over classes, the trailing "no object" class dropped, the
 * best class per query kept when its score is above {@code threshold}, boxes from (cx, cy, w, h)
 * relative to corners in original-image pixels. Detections come in query order, as the pipeline
 * returns them.
 */
public final class ObjectDetectionOutput {
  /** The pipeline's default {@code threshold}. */
  public static final float DEFAULT_THRESHOLD = 0.5f;

  private ObjectDetectionOutput() {}

  /**
   * @param logits one image's {@code logits}, [queries, labels + 1]
   * @param boxes the same image's {@code pred_boxes}, [queries, 4] as relative cx, cy, w, h
   * @param labels id2label, indexed by id (without "no object")
   */
  public static List<Detection> detections(float[] logits, float[] boxes, List<String> labels,
      int originalHeight, int originalWidth, float threshold) {
    int classes = labels.size() + 1;
    if (logits.length % classes != 0 || boxes.length != logits.length / classes * 4) {
      throw new IllegalArgumentException("logits of " + logits.length + " values and pred_boxes of "
          + boxes.length + " do not fit " + labels.size() + " labels plus no-object");
    }
    int queries = logits.length / classes;
    List<Detection> detections = new ArrayList<>();
    for (int q = 0; q < queries; q++) {
      float[] probs = ClassScores.apply(ClassScores.Function.SOFTMAX, logits, q, classes);
      int best = 0;
      for (int c = 1; c < classes - 1; c++) {
        if (probs[c] > probs[best]) {
          best = c;
        }
      }
      if (probs[best] <= threshold) {
        continue;
      }
      float cx = boxes[q * 4];
      float cy = boxes[q * 4 + 1];
      float w = boxes[q * 4 + 2];
      float h = boxes[q * 4 + 3];
      BoundingBox box = new BoundingBox(
          (int) ((cx - 0.5f * w) * originalWidth), (int) ((cy - 0.5f * h) * originalHeight),
          (int) ((cx + 0.5f * w) * originalWidth), (int) ((cy + 0.5f * h) * originalHeight));
      detections.add(new Detection(probs[best], labels.get(best), box));
    }
    return detections;
  }
}
