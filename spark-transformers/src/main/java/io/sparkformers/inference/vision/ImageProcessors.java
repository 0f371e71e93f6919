package io.sparkformers.inference.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Builds the {@link ImageProcessor} that {@code preprocessor_config.json} names in
 * {@code image_processor_type}, with the transformers 4.38 defaults of that class for absent
 * keys. The processor classes differ only in how they size, crop and pad; each case says how.
 */
public final class ImageProcessors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final float[] IMAGENET_DEFAULT_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_DEFAULT_STD = {0.229f, 0.224f, 0.225f};
  private static final float[] IMAGENET_STANDARD = {0.5f, 0.5f, 0.5f};

  private ImageProcessors() {}

  public static ImageProcessor fromFile(Path preprocessorConfig) {
    try {
      return fromConfig(JSON.readTree(preprocessorConfig.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + preprocessorConfig, e);
    }
  }

  public static ImageProcessor fromConfig(JsonNode config) {
    // Older folders name the deprecated FeatureExtractor classes, which share the processors' code.
    String type = config.path("image_processor_type")
        .asText(config.path("feature_extractor_type").asText(""))
        .replace("FeatureExtractor", "ImageProcessor");
    JsonNode size = config.path("size");
    switch (type) {
      case "ViTImageProcessor":
        return build(config, fixed(size, 224), null, IMAGENET_STANDARD, IMAGENET_STANDARD);
      case "SegformerImageProcessor":
        return build(config, fixed(size, 512), null, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD);
      case "ConvNextImageProcessor": {
        // Below 384 the image is resized to shortest_edge / crop_pct, then center-cropped to
        // shortest_edge; at 384 and above it is warped to a square without cropping.
        int shortest = size.isInt() ? size.asInt() : size.path("shortest_edge").asInt(384);
        if (shortest >= 384) {
          return build(config, ResizePolicy.exact(shortest, shortest), null,
              IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD);
        }
        double cropPct = config.path("crop_pct").asDouble(224.0 / 256.0);
        return build(config, ResizePolicy.shortestEdge((int) (shortest / cropPct)), new int[] {shortest, shortest},
            IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD);
      }
      case "DetrImageProcessor":
        return build(config, shortestWithin(config), null, IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD);
      case "Mask2FormerImageProcessor": {
        // Resizes to size (fixed, or shortest/longest edge), rounded up to size_divisor.
        ResizePolicy base = size.has("height") ? fixed(size, 384) : shortestWithin(config);
        return build(config, ResizePolicy.roundedUpTo(base, config.path("size_divisor").asInt(32)), null,
            IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD);
      }
      case "GLPNImageProcessor":
        // Rounds height and width down to size_divisor; rescales, never normalizes.
        return build(config, ResizePolicy.roundedDownTo(config.path("size_divisor").asInt(32)), null,
            null, null);
      default:
        throw new IllegalArgumentException("unsupported image_processor_type '" + type
            + "'; supported: ViT, ConvNext, Detr, Segformer, Mask2Former and GLPN image processors");
    }
  }

  /**
   * The settings every processor shares. A null {@code mean} means the processor has no
   * normalisation step; otherwise {@code do_normalize} defaults to true.
   */
  private static ImageProcessor build(JsonNode config, ResizePolicy resize, int[] crop, float[] mean, float[] std) {
    boolean doResize = config.path("do_resize").asBoolean(true);
    boolean doNormalize = mean != null && config.path("do_normalize").asBoolean(true);
    return new ImageProcessor(
        doResize ? resize : null,
        Resampling.fromCode(config.path("resample").asInt(2)),
        doResize ? crop : null,
        config.path("do_rescale").asBoolean(true) ? config.path("rescale_factor").asDouble(1 / 255.0) : null,
        doNormalize ? floats(config.path("image_mean"), mean) : null,
        doNormalize ? floats(config.path("image_std"), std) : null);
  }

  /** {@code size: {height, width}}, or a legacy int meaning a square. */
  private static ResizePolicy fixed(JsonNode size, int defaultEdge) {
    if (size.isInt()) {
      return ResizePolicy.exact(size.asInt(), size.asInt());
    }
    return ResizePolicy.exact(size.path("height").asInt(defaultEdge), size.path("width").asInt(defaultEdge));
  }

  /** DETR-style size: {shortest_edge, longest_edge}, or the legacy int size with max_size. */
  private static ResizePolicy shortestWithin(JsonNode config) {
    JsonNode size = config.path("size");
    if (size.isInt()) {
      int maxSize = config.path("max_size").asInt(config.path("_max_size").asInt(1333));
      return ResizePolicy.shortestEdgeWithin(size.asInt(), maxSize);
    }
    return ResizePolicy.shortestEdgeWithin(size.path("shortest_edge").asInt(800), size.path("longest_edge").asInt(1333));
  }

  private static float[] floats(JsonNode values, float[] defaults) {
    if (values.isMissingNode() || values.isNull()) {
      return defaults;
    }
    if (values.isNumber()) {
      float v = values.floatValue();
      return new float[] {v, v, v};
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).floatValue();
    }
    return out;
  }
}
