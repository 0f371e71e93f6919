package io.sparkformers.inference.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.model.ModelFolderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link ImageProcessor} of a {@code preprocessor_config.json}: one recipe read from the
 * file's fields (do_resize, size, resample, do_center_crop, crop_size, do_rescale, rescale_factor,
 * do_normalize, image_mean, image_std, ...), with the transformers 4.38 defaults of the class it
 * names ({@code image_processor_defaults.json}) for what it omits. A class without an entry works
 * when the file spells out every field the recipe needs; a field that would change the pixels in a
 * way the recipe does not reproduce is refused by name.
 */
public final class ImageProcessors {
  private static final Logger LOG = LoggerFactory.getLogger(ImageProcessors.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode DEFAULTS = readDefaults();
  /** Fields of other processor classes that change the pixels in ways this recipe does not follow. */
  private static final List<String> UNSUPPORTED = List.of("do_pad", "size_divisor", "size_divisibility", "pad_size",
      "do_thumbnail", "do_align_long_axis", "do_crop_margin", "do_color_quantize", "offset", "do_map_pixels");

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
    JsonNode defaults = DEFAULTS.get(type);
    ProcessorFields fields = new ProcessorFields(config, defaults);
    if (defaults == null) {
      for (String field : UNSUPPORTED) {
        if (fields.isSet(field)) {
          throw new ModelFolderException("preprocessor_config.json of '" + type + "' sets " + field
              + ", which changes the pixels in a way this library does not reproduce");
        }
      }
      LOG.info("no transformers defaults for image processor '{}'; using the fields its preprocessor_config.json spells out",
          type);
    }
    boolean doResize = fields.bool("do_resize");
    Sizing sizing = doResize ? sizing(fields) : new Sizing(null, null);
    int[] crop = sizing.crop();
    if (crop == null && fields.optionalBool("do_center_crop")) {
      crop = SizeField.crop(fields.required("crop_size"));
    }
    boolean doRescale = fields.bool("do_rescale");
    boolean doNormalize = fields.optionalBool("do_normalize");
    float[] std = doNormalize ? floats(fields.required("image_std")) : null;
    boolean includeTop = fields.optionalBool("include_top");
    return new ImageProcessor(new ImageProcessor.Recipe(
        sizing.resize(),
        doResize ? Resampling.fromCode(fields.required("resample").asInt()) : Resampling.BILINEAR,
        crop,
        doRescale ? fields.required("rescale_factor").asDouble() : null,
        doRescale && fields.optionalBool("rescale_offset"),
        doNormalize ? floats(fields.required("image_mean")) : null,
        std,
        includeTop ? floats(fields.required("image_std")) : null,
        fields.optionalBool("do_flip_channel_order"),
        padDivisor(fields)));
  }

  private record Sizing(ResizePolicy resize, int[] crop) {}

  /** The resize target rule: the size field's form, refined by the class rule or the fields it reads. */
  private static Sizing sizing(ProcessorFields fields) {
    String rule = fields.rule("resize");
    String divisorRule = fields.rule("size_divisor_rule");
    if ("resize_down".equals(divisorRule)) {
      // GLPN: no target size; the input is rounded down to size_divisor.
      return new Sizing(ResizePolicy.roundedDownTo(fields.required("size_divisor").asInt()), null);
    }
    SizeField size = SizeField.of(fields);
    ResizePolicy resize;
    int[] crop = null;
    if ("convnext".equals(rule)) {
      // ConvNextImageProcessor.resize: below 384 the shortest edge goes to shortest_edge / crop_pct and is
      // center-cropped to a square of shortest_edge; at 384 and above the image is warped to that square.
      int shortest = size.shortestEdge();
      if (shortest >= 384) {
        return new Sizing(ResizePolicy.exact(shortest, shortest), null);
      }
      return new Sizing(ResizePolicy.shortestEdge((int) (shortest / fields.required("crop_pct").asDouble())),
          new int[] {shortest, shortest});
    } else if ("levit".equals(rule) && size.isShortestEdge()) {
      resize = ResizePolicy.shortestEdge((int) (256.0 / 224 * size.shortestEdge()));
    } else if ("yolos".equals(rule)) {
      resize = ResizePolicy.yolos(size.shortestEdge(), size.longestEdge());
    } else {
      resize = size.policy(fields);
    }
    if ("resize_up".equals(divisorRule)) {
      resize = ResizePolicy.roundedUpTo(resize, fields.required("size_divisor").asInt());
    }
    return new Sizing(resize, crop);
  }

  /** DPT's do_pad: centered zero padding up to a multiple of size_divisor; 0 for none. */
  private static int padDivisor(ProcessorFields fields) {
    if ("size_divisor".equals(fields.rule("pad")) && fields.optionalBool("do_pad")) {
      return fields.required("size_divisor").asInt();
    }
    return 0;
  }

  static float[] floats(JsonNode values) {
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

  private static JsonNode readDefaults() {
    try (InputStream in = ImageProcessors.class.getResourceAsStream("image_processor_defaults.json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
