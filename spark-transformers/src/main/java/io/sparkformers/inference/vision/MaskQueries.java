package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.ClassScores;

/**
 * One image's raw outputs of a mask-classification model (MaskFormer, Mask2Former): per query, class logits
 * over the labels plus a trailing "no object" class, and a low-resolution mask logit map.
 *
 * @param classLogits {@code class_queries_logits} of one image, [queries, labels + 1]
 * @param maskLogits {@code masks_queries_logits} of one image, [queries, maskHeight, maskWidth]
 */
public record MaskQueries(float[] classLogits, float[] maskLogits, int queries, int labels, int maskHeight, int maskWidth) {
  public MaskQueries {
    if (classLogits.length != queries * (labels + 1) || maskLogits.length != queries * maskHeight * maskWidth) {
      throw new IllegalArgumentException("class logits of " + classLogits.length + " and mask logits of "
          + maskLogits.length + " values do not fit " + queries + " queries, " + labels + " labels, "
          + maskHeight + "x" + maskWidth + " masks");
    }
  }

  /** The same queries with mask logits resized bilinearly (align_corners=False) to {@code height} x {@code width}. */
  public MaskQueries upsampled(int height, int width) {
    return new MaskQueries(classLogits, TorchInterpolate.bilinear(maskLogits, queries, maskHeight, maskWidth, height, width),
        queries, labels, height, width);
  }

  /** Softmax over the labels and "no object" for query {@code q}. */
  float[] classProbabilities(int q) {
    return ClassScores.apply(ClassScores.Function.SOFTMAX, classLogits, q, labels + 1);
  }
}
