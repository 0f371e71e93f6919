package io.sparkformers.inference.vision;

import java.util.List;

/**
 * One image's segmentation with the names of its labels: the label map itself, or, as the
 * image-segmentation pipeline returns it, one PNG mask per segment.
 *
 * @param labels id2label, indexed by id
 */
public record Segmentation(SegmentationMap map, List<String> labels) {
  public String label(SegmentInfo segment) {
    return labels.get(segment.labelId());
  }

  /** The pipeline's output: {score, label, mask} per segment. */
  public List<Segment> masks() {
    return SegmentMasks.segments(map, labels);
  }
}
