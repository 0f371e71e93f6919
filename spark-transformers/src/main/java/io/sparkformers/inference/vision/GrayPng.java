package io.sparkformers.inference.vision;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** 8-bit single-channel PNG (PIL mode "L"), the encoding of masks and depth images. */
public final class GrayPng {
  private GrayPng() {}

  /** Encodes row-major samples. */
  public static byte[] encode(byte[] gray, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, width, height, gray);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding in memory failed", e);
    }
    return out.toByteArray();
  }
}
