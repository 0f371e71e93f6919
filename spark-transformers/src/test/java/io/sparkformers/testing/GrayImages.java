package io.sparkformers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Reads our single-channel PNGs (segment masks, depth images) back and compares them with what
 * the goldens record of transformers' images: summaries and int64 maps.
 */
public final class GrayImages {
  private GrayImages() {}

  /** The uint8 samples of a single-channel PNG, row-major. */
  public static byte[] gray(byte[] png, int expectedWidth, int expectedHeight) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType(), "single-channel 8-bit PNG");
      assertEquals(expectedWidth, image.getWidth());
      assertEquals(expectedHeight, image.getHeight());
      byte[] samples = new byte[expectedWidth * expectedHeight];
      image.getRaster().getDataElements(0, 0, expectedWidth, expectedHeight, samples);
      return samples;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Intersection over union of two 0/255 masks; 1 when both are empty. */
  public static double iou(byte[] a, byte[] b) {
    int inter = 0;
    int union = 0;
    for (int i = 0; i < a.length; i++) {
      boolean x = a[i] != 0;
      boolean y = b[i] != 0;
      inter += x && y ? 1 : 0;
      union += x || y ? 1 : 0;
    }
    return union == 0 ? 1.0 : (double) inter / union;
  }

  /** 255 where a golden int64 map (e.g. segmentation_map) holds {@code id}. */
  public static byte[] fromMap(JsonNode map, long id) {
    JsonNode ids = map.get("data");
    byte[] mask = new byte[ids.size()];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = ids.get(i).asLong() == id ? (byte) 255 : 0;
    }
    return mask;
  }

  /** Our mask against the pipeline's: size and nonzero count from its summary, IoU >= 0.99 with the recorded map. */
  public static void assertMaskMatches(JsonNode summary, byte[] referenceMask, byte[] png, String where) {
    int width = summary.get("size_wh").get(0).asInt();
    int height = summary.get("size_wh").get(1).asInt();
    byte[] ours = gray(png, width, height);
    double iou = iou(ours, referenceMask);
    assertTrue(iou >= 0.99, where + ": IoU " + iou);
    int nonzero = 0;
    for (byte b : ours) {
      nonzero += b != 0 ? 1 : 0;
    }
    assertEquals(summary.get("nonzero_pixels").asInt(), nonzero, 0.01 * width * height, where + ": nonzero pixels");
  }

  /**
   * A depth image against the golden's summary of the pipeline's uint8 image. A float32 ulp in the
   * bicubic sum can move a pixel across a truncation boundary (the 40x56 case is not
   * byte-identical), so mean and std agree within 1e-3 relative, min and max within 1.
   */
  public static void assertDepthMatches(JsonNode summary, byte[] png, int width, int height, String where) {
    byte[] depth = gray(png, width, height);
    double sum = 0;
    double sumOfSquares = 0;
    int min = 255;
    int max = 0;
    for (byte b : depth) {
      int v = b & 0xFF;
      sum += v;
      sumOfSquares += (double) v * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double mean = sum / depth.length;
    double std = Math.sqrt(sumOfSquares / depth.length - mean * mean);
    assertRelative(summary.get("mean").asDouble(), mean, where + " mean");
    assertRelative(summary.get("std").asDouble(), std, where + " std");
    assertEquals(summary.get("min").asInt(), min, 1, where + " min");
    assertEquals(summary.get("max").asInt(), max, 1, where + " max");
  }

  private static void assertRelative(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-3 * Math.abs(expected), what);
  }
}
