package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Properties of Pillow's resampling that the fixtures (BILINEAR and BICUBIC only) do not reach;
 * the golden parity of those two is in {@link ImageProcessorParityTest}.
 */
class PilResizeTest {

  @ParameterizedTest
  @EnumSource(Resampling.class)
  void aFlatImageStaysFlatUnderEveryFilter(Resampling filter) {
    byte[] flat = new byte[3 * 7 * 5];
    Arrays.fill(flat, (byte) 173);
    RgbImage resized = PilResize.resize(new RgbImage(7, 5, flat), 3, 11, filter);
    for (byte b : resized.pixels()) {
      assertEquals(173, b & 0xFF, filter.name());
    }
  }

  @Test
  void boxHalvingAveragesPairsRoundingHalfUp() {
    // One row 10, 21, 200, 255 halved by BOX: (10+21)/2 = 15.5 -> 16, (200+255)/2 = 227.5 -> 228.
    RgbImage row = gray(new int[] {10, 21, 200, 255}, 4, 1);
    assertArrayEquals(new int[] {16, 228}, channel0(PilResize.resize(row, 2, 1, Resampling.BOX)));
  }

  @Test
  void lanczosOvershootIsClippedToUint8() {
    // A sharp edge upscaled with Lanczos rings past 0 and 255; Pillow clips between passes.
    RgbImage edge = gray(new int[] {0, 0, 255, 255}, 4, 1);
    int[] up = channel0(PilResize.resize(edge, 16, 1, Resampling.LANCZOS));
    assertEquals(0, Arrays.stream(up).min().getAsInt());
    assertEquals(255, Arrays.stream(up).max().getAsInt());
  }

  @Test
  void nearestSamplesPixelCentres() {
    // Pillow's affine scaling: source x = (int) ((x + 0.5) * 5 / 2) -> 1, 3.
    RgbImage row = gray(new int[] {0, 10, 20, 30, 40}, 5, 1);
    assertArrayEquals(new int[] {10, 30}, channel0(PilResize.resize(row, 2, 1, Resampling.NEAREST)));
  }

  @Test
  void unknownResampleCodeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Resampling.fromCode(7));
  }

  @Test
  void legacyIntSizeMeansASquare() throws Exception {
    ImageProcessor vit = ImageProcessors.fromConfig(new ObjectMapper().readTree(
        "{\"image_processor_type\": \"ViTImageProcessor\", \"size\": 24}"));
    ProcessedImage processed = vit.process(gray(new int[40 * 30], 40, 30));
    assertEquals(24, processed.height());
    assertEquals(24, processed.width());
  }

  private static RgbImage gray(int[] values, int width, int height) {
    byte[] pixels = new byte[3 * values.length];
    for (int i = 0; i < values.length; i++) {
      Arrays.fill(pixels, 3 * i, 3 * i + 3, (byte) values[i]);
    }
    return new RgbImage(width, height, pixels);
  }

  private static int[] channel0(RgbImage image) {
    int[] out = new int[image.width() * image.height()];
    for (int i = 0; i < out.length; i++) {
      out[i] = image.pixels()[3 * i] & 0xFF;
    }
    return out;
  }
}
