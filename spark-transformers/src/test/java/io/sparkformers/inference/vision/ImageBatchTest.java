package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Collation reproduces the batched tensors the fixtures fed to the ONNX graphs (onnx_cases). */
class ImageBatchTest {

  @Test
  void stackedBatchEqualsTheRecordedGraphInput() {
    Map<String, Tensor> inputs = ImageBatch.stack(processAll("image-classification-vit"));
    JsonNode recorded = Fixtures.golden("image-classification-vit").get("onnx_cases").get(0).get("inputs");
    assertTensor(recorded.get("pixel_values"), inputs.get(ImageBatch.PIXEL_VALUES));
  }

  @Test
  void detrBatchIsPaddedToTheLargestImageWithAPixelMask() {
    Map<String, Tensor> inputs = ImageBatch.pad(processAll("object-detection-detr"));
    JsonNode recorded = Fixtures.golden("object-detection-detr").get("onnx_cases").get(0).get("inputs");
    assertTensor(recorded.get("pixel_values"), inputs.get(ImageBatch.PIXEL_VALUES));
    assertArrayEquals(Fixtures.shape(recorded.get("pixel_mask")), toInts(inputs.get(ImageBatch.PIXEL_MASK).shape()));
    assertArrayEquals(Fixtures.longs(recorded.get("pixel_mask")), inputs.get(ImageBatch.PIXEL_MASK).longs());
  }

  @Test
  void imagesOfDifferentShapesDoNotStack() {
    List<ProcessedImage> mixed = processAll("object-detection-detr");
    assertThrows(IllegalArgumentException.class, () -> ImageBatch.stack(mixed));
  }

  private static List<ProcessedImage> processAll(String fixture) {
    ImageProcessor processor = ImageProcessors.fromFile(Fixtures.model(fixture).resolve("preprocessor_config.json"));
    List<ProcessedImage> batch = new ArrayList<>();
    for (JsonNode goldenCase : Fixtures.golden(fixture).get("cases")) {
      batch.add(processor.process(Fixtures.image(goldenCase)));
    }
    return batch;
  }

  private static void assertTensor(JsonNode expected, Tensor actual) {
    assertArrayEquals(Fixtures.shape(expected), toInts(actual.shape()));
    assertArrayEquals(Fixtures.floats(expected), actual.floats(), 1e-6f);
  }

  private static int[] toInts(long[] shape) {
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = Math.toIntExact(shape[i]);
    }
    return out;
  }
}
