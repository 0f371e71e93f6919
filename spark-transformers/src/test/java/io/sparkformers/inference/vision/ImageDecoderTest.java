package io.sparkformers.inference.vision;

import static io.sparkformers.testing.hostile.HostileImages.adobeCmykJpeg;
import static io.sparkformers.testing.hostile.HostileImages.encode;
import static io.sparkformers.testing.hostile.HostileImages.insertAfterSoi;
import static io.sparkformers.testing.hostile.HostileImages.noise;
import static io.sparkformers.testing.hostile.HostileImages.pngHeaderOnly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.testing.hostile.HostileImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bad-image corpus: each input decodes as PIL's load_image would, or is rejected as invalid. */
class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void zeroBytesAreInvalid() {
    assertThrows(InvalidInputException.class, () -> decoder.decode(new byte[0]));
  }

  @Test
  void textBytesAreNotAnImage() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> decoder.decode("just some text, not pixels".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("not an image"), e.getMessage());
  }

  @Test
  void truncatedJpegIsInvalid() throws IOException {
    byte[] jpeg = encode(noise(64, 64), "jpeg");
    byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
    assertThrows(InvalidInputException.class, () -> decoder.decode(truncated));
  }

  @Test
  void truncatedPngIsInvalid() throws IOException {
    byte[] png = encode(noise(64, 64), "png");
    assertThrows(InvalidInputException.class, () -> decoder.decode(Arrays.copyOf(png, png.length / 2)));
  }

  @Test
  void decompressionBombIsRejectedFromItsHeader() {
    // 50,000 x 50,000 RGB would need 7.5 GB; the header alone is 45 bytes.
    byte[] bomb = pngHeaderOnly(50_000, 50_000);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> decoder.decode(bomb));
    assertTrue(e.getMessage().contains("50000x50000"), e.getMessage());
    assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
  }

  @Test
  void pixelLimitIsConfigurable() throws IOException {
    byte[] png = encode(noise(10, 10), "png");
    assertThrows(InvalidInputException.class, () -> new ImageDecoder(99, 1 << 20).decode(png));
    assertEquals(10, new ImageDecoder(100, 1 << 20).decode(png).width());
  }

  @Test
  void byteLimitRejectsLargeInputs() throws IOException {
    byte[] png = encode(noise(10, 10), "png");
    assertThrows(InvalidInputException.class, () -> new ImageDecoder(1000, png.length - 1).decode(png));
  }

  @Test
  void grayscaleIsReplicatedNotColourManaged() throws IOException {
    BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(1, 2, 0, 77);
    RgbImage rgb = decoder.decode(encode(gray, "png"));
    assertEquals(77, rgb.sample(1, 2, 0));
    assertEquals(77, rgb.sample(1, 2, 1));
    assertEquals(77, rgb.sample(1, 2, 2));
    assertEquals(0, rgb.sample(0, 0, 0));
  }

  @Test
  void sixteenBitGrayIsClippedAsPilConvertsModeI16() throws IOException {
    BufferedImage gray16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(0, 0, 0, 100);
    gray16.getRaster().setSample(1, 0, 0, 40_000);
    RgbImage rgb = decoder.decode(encode(gray16, "png"));
    assertEquals(100, rgb.sample(0, 0, 0));
    assertEquals(255, rgb.sample(1, 0, 2));
  }

  @Test
  void sixteenBitRgbKeepsTheHighByte() throws IOException {
    BufferedImage rgb16 = new javax.imageio.ImageTypeSpecifier(
        new java.awt.image.ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
            java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT),
        new java.awt.image.PixelInterleavedSampleModel(DataBuffer.TYPE_USHORT, 1, 1, 3, 3, new int[] {0, 1, 2}))
        .createBufferedImage(1, 1);
    rgb16.getRaster().setPixel(0, 0, new int[] {0x1234, 0xABCD, 0x00FF});
    RgbImage rgb = decoder.decode(encode(rgb16, "png"));
    assertEquals(0x12, rgb.sample(0, 0, 0));
    assertEquals(0xAB, rgb.sample(0, 0, 1));
    assertEquals(0x00, rgb.sample(0, 0, 2));
  }

  @Test
  void paletteWithAlphaKeepsPaletteColoursAndDropsAlpha() throws IOException {
    byte[] r = {(byte) 200, 10};
    byte[] g = {(byte) 100, 20};
    byte[] b = {50, 30};
    byte[] a = {0, (byte) 255}; // entry 0 fully transparent: PIL still reports its RGB
    BufferedImage palette = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 2, r, g, b, a));
    palette.getRaster().setSample(1, 1, 0, 1);
    RgbImage rgb = decoder.decode(encode(palette, "png"));
    assertArrayEquals(new int[] {200, 100, 50}, pixel(rgb, 0, 0));
    assertArrayEquals(new int[] {10, 20, 30}, pixel(rgb, 1, 1));
  }

  @Test
  void rgbaAlphaIsDroppedWithoutPremultiplying() throws IOException {
    BufferedImage rgba = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, new Color(240, 120, 60, 10).getRGB());
    assertArrayEquals(new int[] {240, 120, 60}, pixel(decoder.decode(encode(rgba, "png")), 0, 0));
  }

  @Test
  void adobeCmykJpegIsConvertedWithPilsFormula() throws IOException {
    // Flat CMYK (c,m,y,k) = (0, 128, 255, 64), stored inverted behind an Adobe APP14 marker as
    // Photoshop writes it. PIL: r = (255-k)(255-c)/255 = 191, g = 96, b = 0.
    int[] p = pixel(decoder.decode(adobeCmykJpeg(16, 16)), 8, 8);
    assertEquals(191, p[0], 2);
    assertEquals(96, p[1], 2);
    assertEquals(0, p[2], 2);
  }

  @Test
  void exifOrientationSixRotatesClockwise() throws IOException {
    // 32x16: left half red, right half blue. Orientation 6 (PIL ROTATE_270) makes it 16x32, red on top.
    BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 16, 16);
    g.setColor(Color.BLUE);
    g.fillRect(16, 0, 16, 16);
    g.dispose();
    RgbImage upright = decoder.decode(withExifOrientation(encode(img, "jpeg"), 6));
    assertEquals(16, upright.width());
    assertEquals(32, upright.height());
    assertTrue(upright.sample(8, 8, 0) > 200 && upright.sample(8, 8, 2) < 60, "red on top");
    assertTrue(upright.sample(8, 24, 2) > 200 && upright.sample(8, 24, 0) < 60, "blue below");
  }

  @Test
  void everyContainerDecodes() throws IOException {
    BufferedImage img = noise(7, 5);
    for (String format : new String[] {"png", "bmp", "gif", "tiff", "jpeg"}) {
      RgbImage rgb = decoder.decode(encode(img, format));
      assertEquals(7, rgb.width(), format);
      assertEquals(5, rgb.height(), format);
    }
    // Lossless formats keep every sample.
    assertArrayEquals(pixel(decoder.decode(encode(img, "png")), 3, 2), pixel(decoder.decode(encode(img, "bmp")), 3, 2));
    assertArrayEquals(pixel(decoder.decode(encode(img, "png")), 3, 2), pixel(decoder.decode(encode(img, "tiff")), 3, 2));
  }

  @Test
  void webpDecodes() {
    // A 1x1 lossless WebP (the image browsers use for feature detection).
    RgbImage rgb = decoder.decode(HostileImages.WEBP_1X1);
    assertEquals(1, rgb.width());
    assertEquals(1, rgb.height());
  }

  static int[] pixel(RgbImage image, int x, int y) {
    return new int[] {image.sample(x, y, 0), image.sample(x, y, 1), image.sample(x, y, 2)};
  }

  /** Inserts an APP1 Exif segment holding only an IFD0 Orientation tag right after SOI. */
  private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(26).order(java.nio.ByteOrder.BIG_ENDIAN);
    tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8) // header, IFD0 at offset 8
        .putShort((short) 1) // one entry
        .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
        .putInt(0); // no next IFD
    byte[] exif = ByteBuffer.allocate(6 + 26).put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put(tiff.array()).array();
    byte[] app1 = ByteBuffer.allocate(4 + exif.length)
        .put((byte) 0xFF).put((byte) 0xE1).putShort((short) (exif.length + 2)).put(exif).array();
    return insertAfterSoi(jpeg, app1);
  }
}
