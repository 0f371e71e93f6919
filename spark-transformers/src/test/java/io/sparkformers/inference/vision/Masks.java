package io.sparkformers.inference.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.ImageIO;

/** Reads our PNG masks back and compares them with the goldens' mask summaries and maps. */
final class Masks {
  private Masks() {}

  /** The uint8 samples of a single-channel PNG, row-major. */
  static byte[] gray(byte[] png, int expectedWidth, int expectedHeight) {
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

  static String sha256(byte[] samples) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(samples));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Intersection over union of two 0/255 masks; 1 when both are empty. */
  static double iou(byte[] a, byte[] b) {
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
  static byte[] fromMap(JsonNode map, long id) {
    long[] ids = Fixtures.longs(map);
    byte[] mask = new byte[ids.length];
    for (int i = 0; i < ids.length; i++) {
      mask[i] = ids[i] == id ? (byte) 255 : 0;
    }
    return mask;
  }

  /** Our mask against the pipeline's: size and nonzero count from its summary, IoU >= 0.99 with the recorded map. */
  static void assertMatches(JsonNode summary, byte[] referenceMask, byte[] png, String where) {
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
}
