package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.ClassScores;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MaskFormer's and Mask2Former's post_process_semantic / instance / panoptic_segmentation for one
 * image (transformers 4.38), returning the map at the original size. They differ only in the mask
 * size they start from: Mask2Former upsamples the mask logits to 384x384 first, which the caller
 * does ({@link MaskQueries#upsampled}).
 */
public final class MaskQueriesOutput {
  private MaskQueriesOutput() {}

  /**
   * Per-label score maps {@code sum_q softmax(class)[q, label] * sigmoid(mask)[q]}, upsampled to
   * the original size, argmax per pixel; one segment per label present.
   */
  public static SegmentationMap semantic(MaskQueries out, int originalHeight, int originalWidth) {
    int plane = out.maskHeight() * out.maskWidth();
    float[] probs = sigmoid(out.maskLogits());
    float[] perLabel = new float[out.labels() * plane];
    for (int q = 0; q < out.queries(); q++) {
      float[] classes = out.classProbabilities(q);
      for (int c = 0; c < out.labels(); c++) {
        for (int i = 0; i < plane; i++) {
          perLabel[c * plane + i] += classes[c] * probs[q * plane + i];
        }
      }
    }
    float[] resized = TorchInterpolate.bilinear(perLabel, out.labels(), out.maskHeight(), out.maskWidth(), originalHeight, originalWidth);
    return SemanticSegmentationOutput.argmaxMap(resized, out.labels(), originalHeight, originalWidth);
  }

  /**
   * post_process_panoptic_segmentation: queries whose best class is a real label scoring above
   * {@code threshold} compete per pixel by score-weighted mask probability; a query becomes a
   * segment when it wins pixels and the won area is more than {@code overlapMaskAreaThreshold}
   * of its own area at {@code maskThreshold}. Queries of a label in {@code labelIdsToFuse} share
   * one segment id. Pixels of no segment are 0; -1 everywhere when no query passes.
   */
  public static SegmentationMap panoptic(MaskQueries out, int originalHeight, int originalWidth, float threshold,
      float maskThreshold, float overlapMaskAreaThreshold, Set<Integer> labelIdsToFuse) {
    List<Integer> kept = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int q = 0; q < out.queries(); q++) {
      float[] probs = out.classProbabilities(q);
      int best = argmax(probs);
      if (best != out.labels() && probs[best] > threshold) {
        kept.add(q);
        scores.add(probs[best]);
        labels.add(best);
      }
    }
    int plane = originalHeight * originalWidth;
    if (kept.isEmpty()) {
      int[] none = new int[plane];
      Arrays.fill(none, -1);
      return new SegmentationMap(originalHeight, originalWidth, none, List.of());
    }
    float[] probs = sigmoid(out.maskLogits());
    int refPlane = out.maskHeight() * out.maskWidth();
    float[] keptProbs = new float[kept.size() * refPlane];
    for (int k = 0; k < kept.size(); k++) {
      System.arraycopy(probs, kept.get(k) * refPlane, keptProbs, k * refPlane, refPlane);
    }
    // compute_segments: resize to the target, weigh each mask by its query's score.
    float[] weighted = TorchInterpolate.bilinear(keptProbs, kept.size(), out.maskHeight(), out.maskWidth(), originalHeight, originalWidth);
    for (int k = 0; k < kept.size(); k++) {
      for (int i = 0; i < plane; i++) {
        weighted[k * plane + i] *= scores.get(k);
      }
    }
    int[] winner = new int[plane];
    for (int i = 0; i < plane; i++) {
      int best = 0;
      for (int k = 1; k < kept.size(); k++) {
        if (weighted[k * plane + i] > weighted[best * plane + i]) {
          best = k;
        }
      }
      winner[i] = best;
    }
    int[] segmentation = new int[plane];
    List<SegmentInfo> segments = new ArrayList<>();
    Map<Integer, Integer> fusedIds = new HashMap<>();
    int currentId = 0;
    for (int k = 0; k < kept.size(); k++) {
      int label = labels.get(k);
      boolean fuse = labelIdsToFuse.contains(label);
      long won = 0;
      long own = 0;
      for (int i = 0; i < plane; i++) {
        won += winner[i] == k ? 1 : 0;
        own += weighted[k * plane + i] >= maskThreshold ? 1 : 0;
      }
      // check_segment_validity: the query must win pixels, and not only a sliver of its own area.
      if (won == 0 || own == 0 || !((double) won / own > overlapMaskAreaThreshold)) {
        continue;
      }
      Integer fusedId = fusedIds.get(label);
      currentId = fusedId != null ? fusedId : currentId + 1;
      for (int i = 0; i < plane; i++) {
        if (winner[i] == k) {
          segmentation[i] = currentId;
        }
      }
      segments.add(new SegmentInfo(currentId, label, fuse, round6(scores.get(k))));
      if (fuse) {
        fusedIds.put(label, currentId);
      }
    }
    return new SegmentationMap(originalHeight, originalWidth, segmentation, segments);
  }

  /**
   * post_process_instance_segmentation: the {@code queries} best (query, label) pairs, each
   * scored by class probability times the mean sigmoid inside its mask (logit > 0); masks are
   * resized to the target by nearest neighbour, and pairs scoring at least {@code threshold}
   * paint their mask in turn with ids 0, 1, ...; -1 elsewhere. The reference takes an unsorted
   * topk; we take it by descending score, so where masks overlap the later (lower) one wins.
   */
  public static SegmentationMap instance(MaskQueries out, int originalHeight, int originalWidth, float threshold) {
    int labelCount = out.labels();
    float[] pairScores = new float[out.queries() * labelCount];
    for (int q = 0; q < out.queries(); q++) {
      System.arraycopy(out.classProbabilities(q), 0, pairScores, q * labelCount, labelCount);
    }
    Integer[] order = new Integer[pairScores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> pairScores[i]).reversed());
    float[] logits = out.maskLogits();
    int refPlane = out.maskHeight() * out.maskWidth();
    int plane = originalHeight * originalWidth;
    int[] segmentation = new int[plane];
    Arrays.fill(segmentation, -1);
    List<SegmentInfo> segments = new ArrayList<>();
    int currentId = 0;
    for (int j = 0; j < out.queries(); j++) {
      int pair = order[j];
      int query = pair / labelCount;
      float[] binary = new float[refPlane];
      float probSum = 0f;
      float area = 0f;
      for (int i = 0; i < refPlane; i++) {
        float logit = logits[query * refPlane + i];
        if (logit > 0) {
          binary[i] = 1f;
          probSum += ClassScores.sigmoid(logit);
          area += 1f;
        }
      }
      float score = pairScores[pair] * (probSum / (area + 1e-6f));
      float[] mask = TorchInterpolate.nearest(binary, 1, out.maskHeight(), out.maskWidth(), originalHeight, originalWidth);
      boolean empty = true;
      for (float v : mask) {
        empty &= v == 0f;
      }
      if (empty || score < threshold) {
        continue;
      }
      for (int i = 0; i < plane; i++) {
        if (mask[i] == 1f) {
          segmentation[i] = currentId;
        }
      }
      segments.add(new SegmentInfo(currentId, pair % labelCount, false, round6(score)));
      currentId++;
    }
    return new SegmentationMap(originalHeight, originalWidth, segmentation, segments);
  }

  private static float[] sigmoid(float[] logits) {
    float[] out = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = ClassScores.sigmoid(logits[i]);
    }
    return out;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The reference reports {@code round(score, 6)}. */
  private static float round6(float score) {
    return (float) (Math.round(score * 1e6) / 1e6);
  }
}
