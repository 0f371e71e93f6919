package io.sparkformers.inference.vision;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelFolderException;

/**
 * The {@code size} field in the forms of transformers' {@code get_size_dict}: {@code {height,
 * width}}, {@code {shortest_edge}}, {@code {shortest_edge, longest_edge}}, or a legacy int, which
 * means a square for classes whose default size is one, else a shortest edge (with
 * {@code max_size} as the longest where the class has one).
 */
record SizeField(int height, int width, int shortestEdge, int longestEdge) {
  static SizeField of(ProcessorFields fields) {
    JsonNode size = fields.required("size");
    if (size.isInt()) {
      JsonNode defaultSize = fields.defaultValue("size");
      if (!fields.known() || defaultSize.has("height")) {
        return new SizeField(size.asInt(), size.asInt(), 0, 0);
      }
      int longest = defaultSize.has("longest_edge")
          ? fields.value("max_size").asInt(fields.value("_max_size").asInt(defaultSize.get("longest_edge").asInt())) : 0;
      return new SizeField(0, 0, size.asInt(), longest);
    }
    if (size.has("height") && size.has("width")) {
      return new SizeField(size.get("height").asInt(), size.get("width").asInt(), 0, 0);
    }
    if (size.has("shortest_edge")) {
      return new SizeField(0, 0, size.get("shortest_edge").asInt(), size.path("longest_edge").asInt(0));
    }
    throw new ModelFolderException("preprocessor_config.json of '" + fields.className() + "': size " + size
        + " is not supported (expected height and width, or shortest_edge with an optional longest_edge)");
  }

  /** crop_size: {height, width}, or an int for a square. */
  static int[] crop(JsonNode cropSize) {
    if (cropSize.isInt()) {
      return new int[] {cropSize.asInt(), cropSize.asInt()};
    }
    return new int[] {cropSize.get("height").asInt(), cropSize.get("width").asInt()};
  }

  boolean isShortestEdge() {
    return shortestEdge > 0;
  }

  /**
   * The shared resize rules: a fixed size (with DPT's keep_aspect_ratio and ensure_multiple_of
   * where the fields are set), a shortest edge, DETR's shortest edge within a longest one; with
   * crop_pct (PoolFormer) the size is first divided by it, as PoolFormerImageProcessor.resize.
   */
  ResizePolicy policy(ProcessorFields fields) {
    JsonNode cropPct = fields.value("crop_pct");
    if (!isShortestEdge()) {
      JsonNode keep = fields.value("keep_aspect_ratio");
      JsonNode multiple = fields.value("ensure_multiple_of");
      if (!keep.isMissingNode() || !multiple.isMissingNode()) {
        return ResizePolicy.keepingAspectRatio(height, width, keep.asBoolean(false), multiple.asInt(1));
      }
      if (!cropPct.isMissingNode()) {
        double pct = cropPct.asDouble();
        return height == width
            ? ResizePolicy.shortestEdge((int) (height / pct))
            : ResizePolicy.exact((int) (height / pct), (int) (width / pct));
      }
      return ResizePolicy.exact(height, width);
    }
    if (longestEdge > 0) {
      return ResizePolicy.shortestEdgeWithin(shortestEdge, longestEdge);
    }
    return ResizePolicy.shortestEdge(cropPct.isMissingNode() ? shortestEdge : (int) (shortestEdge / cropPct.asDouble()));
  }
}
