package io.sparkformers.inference.vision;

import java.util.List;

/**
 * What an HF segmentation post-processor returns for one image: a map of segment ids over the
 * original image (row-major, height x width) and the segments it contains. For semantic
 * segmentation the ids are label ids. This is the "label map" option of the segmentation task.
 */
public record SegmentationMap(int height, int width, int[] segmentIds, List<SegmentInfo> segments) {
  public SegmentationMap {
    if (segmentIds.length != height * width) {
      throw new IllegalArgumentException(height + "x" + width + " map needs " + height * width + " ids");
    }
    segments = List.copyOf(segments);
  }
}
