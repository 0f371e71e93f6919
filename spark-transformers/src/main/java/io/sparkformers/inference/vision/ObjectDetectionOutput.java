package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.ClassScores;
import java.util.ArrayList;
import java.util.List;

/**
 * The image processors' post_process_object_detection followed by the object-detection
 * pipeline's formatting, for one image, boxes from (cx, cy, w, h) relative to corners in
 * original-image pixels. Two heads: DETR's and YOLOS's score labels plus "no object"
 * ({@link #detections}); Conditional and Deformable DETR's score the labels alone
 * ({@link #sigmoidDetections}).
 */
public final class ObjectDetectionOutput {
  /** The pipeline's default {@code threshold}. */
  public static final float DEFAULT_THRESHOLD = 0.5f;

  private ObjectDetectionOutput() {}

  /**
   * DetrImageProcessor's: softmax over classes, the trailing "no object" class dropped, the best
   * class per query kept when its score is above {@code threshold}; in query order, as the
   * pipeline returns them.
   *
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
      detections.add(new Detection(probs[best], labels.get(best), box(boxes, q, originalHeight, originalWidth)));
    }
    return detections;
  }

  /**
   * ConditionalDetrImageProcessor's (and Deformable DETR's): sigmoid per (query, label), the
   * {@code min(100, queries x labels)} best pairs by descending score, those above
   * {@code threshold} kept, each with its query's box.
   *
   * @param logits one image's {@code logits}, [queries, labels]
   */
  public static List<Detection> sigmoidDetections(float[] logits, float[] boxes, List<String> labels,
      int originalHeight, int originalWidth, float threshold) {
    int classes = labels.size();
    if (logits.length % classes != 0 || boxes.length != logits.length / classes * 4) {
      throw new IllegalArgumentException("logits of " + logits.length + " values and pred_boxes of "
          + boxes.length + " do not fit " + classes + " labels");
    }
    float[] probs = new float[logits.length];
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < logits.length; i++) {
      probs[i] = ClassScores.sigmoid(logits[i]);
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(probs[b], probs[a]));
    List<Detection> detections = new ArrayList<>();
    for (int k = 0; k < Math.min(TOP_K, order.length); k++) {
      int pair = order[k];
      if (probs[pair] > threshold) {
        detections.add(new Detection(probs[pair], labels.get(pair % classes),
            box(boxes, pair / classes, originalHeight, originalWidth)));
      }
    }
    return detections;
  }

  /** post_process_object_detection's default top_k. */
  private static final int TOP_K = 100;

  private static BoundingBox box(float[] boxes, int query, int originalHeight, int originalWidth) {
    float cx = boxes[query * 4];
    float cy = boxes[query * 4 + 1];
    float w = boxes[query * 4 + 2];
    float h = boxes[query * 4 + 3];
    return new BoundingBox(
        (int) ((cx - 0.5f * w) * originalWidth), (int) ((cy - 0.5f * h) * originalHeight),
        (int) ((cx + 0.5f * w) * originalWidth), (int) ((cy + 0.5f * h) * originalHeight));
  }
}
