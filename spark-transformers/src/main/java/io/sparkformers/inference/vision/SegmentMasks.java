package io.sparkformers.inference.vision;

import java.util.ArrayList;
import java.util.List;

/**
 * The image-segmentation pipeline's last step: one {@code (segmentation == id) * 255} mask per
 * entry of segments_info, as a {@link GrayPng}.
 */
public final class SegmentMasks {
  private SegmentMasks() {}

  /** @param labels id2label, indexed by id */
  public static List<Segment> segments(SegmentationMap map, List<String> labels) {
    List<Segment> out = new ArrayList<>(map.segments().size());
    for (SegmentInfo info : map.segments()) {
      out.add(new Segment(info.score(), labels.get(info.labelId()), GrayPng.encode(mask(map, info.id()), map.width(), map.height())));
    }
    return out;
  }

  /** 255 where the map holds {@code id}, else 0. */
  static byte[] mask(SegmentationMap map, int id) {
    int[] ids = map.segmentIds();
    byte[] mask = new byte[ids.length];
    for (int i = 0; i < ids.length; i++) {
      mask[i] = ids[i] == id ? (byte) 255 : 0;
    }
    return mask;
  }
}
