package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkformers.inference.model.ModelFolderException;
import org.junit.jupiter.api.Test;

/**
 * The recipe beyond the fixtures' classes: a class without transformers defaults works from its
 * file's fields alone, a missing field or an unreproduced pixel step is refused by name.
 */
class ImageProcessorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The DeiT fixture's file, spelled out in full, under a class name we hold no defaults for. */
  private static ObjectNode spelledOut(String fixture) {
    JsonNode golden = Fixtures.golden(fixture).get("preprocessing");
    ObjectNode config = golden.deepCopy();
    config.put("image_processor_type", "SomeFutureImageProcessor");
    return config;
  }

  @Test
  void anUnknownClassWorksFromTheFieldsItsFileSpellsOut() {
    String fixture = "image-classification-deit";
    ImageProcessor known = ImageProcessors.fromFile(Fixtures.model(fixture).resolve("preprocessor_config.json"));
    ImageProcessor unknown = ImageProcessors.fromConfig(spelledOut(fixture));
    for (JsonNode c : Fixtures.golden(fixture).get("cases")) {
      RgbImage image = Fixtures.image(c);
      assertArrayEquals(known.process(image).pixels(), unknown.process(image).pixels());
      assertArrayEquals(Fixtures.floats(c.get("pixel_values")), unknown.process(image).pixels(), 1e-6f);
    }
  }

  @Test
  void anUnknownClassMissingAFieldTheRecipeNeedsIsRefusedByName() {
    ObjectNode config = spelledOut("image-classification-deit");
    config.remove("image_std");
    ModelFolderException e = assertThrows(ModelFolderException.class, () -> ImageProcessors.fromConfig(config));
    assertTrue(e.getMessage().contains("image_std") && e.getMessage().contains("SomeFutureImageProcessor"), e.getMessage());
  }

  @Test
  void aPixelStepWeDoNotReproduceIsRefusedByName() {
    ObjectNode config = spelledOut("image-classification-deit");
    config.put("do_thumbnail", true);
    ModelFolderException e = assertThrows(ModelFolderException.class, () -> ImageProcessors.fromConfig(config));
    assertTrue(e.getMessage().contains("do_thumbnail"), e.getMessage());
  }

  @Test
  void aKnownClassFillsWhatItsFileOmitsWithTheTransformersDefaults() throws Exception {
    // DeiTImageProcessor(): resize to 256x256 bicubic, center crop 224, rescale, normalize with 0.5.
    ImageProcessor deit = ImageProcessors.fromConfig(JSON.readTree("{\"image_processor_type\": \"DeiTImageProcessor\"}"));
    RgbImage white = new RgbImage(300, 260, filled(300 * 260 * 3, (byte) 255));
    ProcessedImage processed = deit.process(white);
    assertArrayEquals(new int[] {224, 224}, new int[] {processed.height(), processed.width()});
    assertTrue(processed.pixels()[0] == 1.0f, "255 / 255 normalized by 0.5, 0.5 is 1");
  }

  @Test
  void fieldsAClassDoesNotReadAreIgnoredAsTransformersIgnoresThem() throws Exception {
    // ViTImageProcessor has no center crop: a crop_size in its file changes nothing.
    ImageProcessor vit = ImageProcessors.fromConfig(JSON.readTree("{\"image_processor_type\": \"ViTImageProcessor\","
        + " \"size\": {\"height\": 24, \"width\": 24}, \"do_center_crop\": true, \"crop_size\": 16}"));
    ProcessedImage processed = vit.process(new RgbImage(40, 30, filled(40 * 30 * 3, (byte) 9)));
    assertArrayEquals(new int[] {24, 24}, new int[] {processed.height(), processed.width()});
  }

  private static byte[] filled(int n, byte value) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, value);
    return out;
  }
}
