package io.sparkformers.inference.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * SegformerImageProcessor.post_process_semantic_segmentation for one image: logits upsampled
 * bilinearly (align_corners=False) to the original size, argmax over labels; then, as the
 * pipeline does with {@code np.unique}, one segment per label present, in label order.
 */
public final class SemanticSegmentationOutput {
  private SemanticSegmentationOutput() {}

  /** @param logits one image's {@code logits}, [labels, height, width] */
  public static SegmentationMap fromLogits(float[] logits, int labels, int height, int width,
      int originalHeight, int originalWidth) {
    float[] scores = TorchInterpolate.bilinear(logits, labels, height, width, originalHeight, originalWidth);
    return argmaxMap(scores, labels, originalHeight, originalWidth);
  }

  /** Per pixel the first label with the highest score (torch.argmax), and the labels present. */
  static SegmentationMap argmaxMap(float[] scores, int labels, int height, int width) {
    int plane = height * width;
    int[] map = new int[plane];
    TreeSet<Integer> present = new TreeSet<>();
    for (int i = 0; i < plane; i++) {
      int best = 0;
      for (int c = 1; c < labels; c++) {
        if (scores[c * plane + i] > scores[best * plane + i]) {
          best = c;
        }
      }
      map[i] = best;
      present.add(best);
    }
    List<SegmentInfo> segments = new ArrayList<>();
    for (int label : present) {
      segments.add(new SegmentInfo(label, label, false, null));
    }
    return new SegmentationMap(height, width, map, segments);
  }
}
