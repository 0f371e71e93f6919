package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pre-processing parity: for every vision fixture and input image, our pixel_values equal the
 * Python processor's (transformers 4.38.2, Pillow). The issue asks for one uint8 step (1/255
 * before normalisation); we hold the stricter bar of float32 round-off, which only passes when
 * every resized uint8 sample equals Pillow's.
 */
class ImageProcessorParityTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "image-classification-vit", "image-classification-convnext", "object-detection-detr",
      "image-segmentation-segformer", "image-segmentation-mask2former", "depth-estimation-glpn",
      "image-classification-deit", "image-classification-beit", "image-classification-data2vec-vision",
      "image-classification-swin", "image-classification-mobilevit", "image-classification-mobilenet-v2",
      "image-classification-levit", "image-classification-dinov2", "image-classification-poolformer",
      "object-detection-yolos", "object-detection-conditional-detr", "object-detection-deformable-detr",
      "image-segmentation-mobilevit",
      "image-segmentation-maskformer", "depth-estimation-dpt", "depth-estimation-depth-anything",
      "image-preprocessing-efficientnet", "image-preprocessing-dpt-keep-aspect-ratio"})
  void pixelValuesMatchThePythonProcessor(String fixture) {
    ImageProcessor processor = ImageProcessors.fromFile(Fixtures.model(fixture).resolve("preprocessor_config.json"));
    double tolerance = 1e-6;
    for (JsonNode goldenCase : Fixtures.golden(fixture).get("cases")) {
      RgbImage image = Fixtures.image(goldenCase);
      ProcessedImage processed = processor.process(image);
      JsonNode expected = goldenCase.get("pixel_values");
      int[] shape = Fixtures.shape(expected);
      String where = fixture + " " + goldenCase.get("image").asText();
      assertArrayEquals(new int[] {1, 3, shape[2], shape[3]}, new int[] {1, 3, processed.height(), processed.width()}, where);
      float[] want = Fixtures.floats(expected);
      double worst = 0;
      for (int i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(processed.pixels()[i] - want[i]));
      }
      assertTrue(worst <= tolerance, where + ": max |diff| " + worst + " > " + tolerance);
      assertArrayEquals(new int[] {image.height(), image.width()},
          new int[] {processed.originalHeight(), processed.originalWidth()}, where);
    }
  }
}
