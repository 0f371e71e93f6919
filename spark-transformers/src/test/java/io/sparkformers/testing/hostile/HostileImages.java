package io.sparkformers.testing.hostile;

import static io.sparkformers.testing.hostile.HostileInput.concat;
import static io.sparkformers.testing.hostile.HostileInput.either;
import static io.sparkformers.testing.hostile.HostileInput.invalid;
import static io.sparkformers.testing.hostile.HostileInput.valid;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Hostile images: every truncation of small PNG, JPEG, GIF, BMP, TIFF and WebP files, headers that
 * declare 100,000 x 100,000 pixels, 1x1 and 65535x1 images, CMYK, 16-bit, palette and animated
 * images, and valid headers over garbage pixels. Encoded with ImageIO (TwelveMonkeys adds TIFF);
 * WebP has no writer, so its file is a 1x1 lossless image spelled out below.
 */
public final class HostileImages {
  /** A 1x1 lossless WebP (the image browsers use for feature detection). */
  public static final byte[] WEBP_1X1 = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

  private HostileImages() {}

  public static List<HostileInput> cases() {
    List<HostileInput> out = new ArrayList<>();
    BufferedImage small = noise(6, 5);
    for (String format : new String[] {"png", "jpeg", "gif", "bmp", "tiff"}) {
      out.addAll(HostileInput.truncations(format, encode(small, format)));
    }
    out.addAll(HostileInput.truncations("webp", WEBP_1X1));

    out.add(invalid("PNG header declaring 100000x100000", pngHeaderOnly(100_000, 100_000)));
    out.add(invalid("PNG header declaring 65535x65535", pngHeaderOnly(65_535, 65_535)));
    out.add(invalid("PNG header declaring 2^31-1 x 1", pngHeaderOnly(Integer.MAX_VALUE, 1)));
    out.add(invalid("PNG header declaring 0x0", pngHeaderOnly(0, 0)));
    out.add(invalid("GIF screen and frame declaring 65535x65535", gifHeaderOnly(65_535, 65_535)));
    out.add(invalid("BMP header declaring 100000x100000", bmpHeader(100_000, 100_000, 16)));
    out.add(invalid("BMP header declaring -100000 rows", bmpHeader(100_000, -100_000, 16)));
    out.add(invalid("TIFF header declaring 100000x100000", tiffHeader(100_000, 100_000)));
    out.add(invalid("JPEG frame declaring 65500x65500", jpegWithSize(encode(small, "jpeg"), 65_500, 65_500)));
    out.add(either("JPEG frame declaring 0x0", jpegWithSize(encode(small, "jpeg"), 0, 0)));

    out.add(valid("1x1 PNG", encode(noise(1, 1), "png")));
    out.add(valid("1x1 JPEG", encode(noise(1, 1), "jpeg")));
    out.add(valid("1x1 GIF", encode(noise(1, 1), "gif")));
    out.add(valid("65535x1 PNG", encode(noise(65_535, 1), "png")));
    out.add(valid("1x65535 PNG", encode(noise(1, 65_535), "png")));
    out.add(valid("CMYK JPEG (Adobe)", adobeCmykJpeg(16, 16)));
    out.add(either("CMYK JPEG without an Adobe marker", plainFourChannelJpeg(16, 16)));
    out.add(valid("16-bit gray PNG", encode(gray16(7, 5), "png")));
    out.add(valid("16-bit RGB PNG", encode(rgb16(7, 5), "png")));
    out.add(valid("palette PNG with alpha", encode(palette(7, 5), "png")));
    out.add(valid("palette BMP", encode(palette(7, 5), "bmp")));
    out.add(valid("1-bit PNG", encode(new BufferedImage(9, 9, BufferedImage.TYPE_BYTE_BINARY), "png")));
    out.add(valid("ARGB PNG", encode(argb(7, 5), "png")));
    out.add(valid("animated GIF, 3 frames", animatedGif(8, 6, 3)));

    Random random = new Random(7);
    out.add(invalid("PNG header over garbage IDAT", pngWithIdat(8, 8, garbage(random, 200))));
    out.add(invalid("PNG header over an empty IDAT", pngWithIdat(8, 8, new byte[0])));
    out.add(either("JPEG headers over a garbage scan", jpegWithGarbageScan(encode(noise(16, 16), "jpeg"), random)));
    out.add(either("GIF header over garbage LZW data", gifWithGarbage(encode(noise(8, 8), "gif"), random)));
    out.add(valid("BMP header over random pixels", bmpWithRandomPixels(8, 8, random)));
    for (int i = 0; i < 10; i++) {
      out.add(invalid("random bytes #" + i, garbage(random, 1 + random.nextInt(4096))));
    }
    for (String magic : new String[] {"\u0089PNG\r\n\u001A\n", "\u00FF\u00D8\u00FF", "GIF89a", "BM", "II*\0", "MM\0*", "RIFF\0\0\0\0WEBP"}) {
      byte[] head = magic.getBytes(StandardCharsets.ISO_8859_1);
      out.add(invalid("magic " + magic.trim() + " then garbage", concat(head, garbage(random, 300))));
    }
    out.add(invalid("text", "just some text, not pixels".getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  public static BufferedImage noise(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(w * 31L + h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.setRGB(x, y, random.nextInt(1 << 24));
    }
    return img;
  }

  public static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) throw new IllegalStateException("no ImageIO writer for " + format);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static BufferedImage gray16(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (x * 9973 + y * 7919) & 0xFFFF);
    }
    return img;
  }

  private static BufferedImage rgb16(int w, int h) {
    BufferedImage img = new ImageTypeSpecifier(
        new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
            false, false, java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT),
        new java.awt.image.PixelInterleavedSampleModel(DataBuffer.TYPE_USHORT, 1, 1, 3, 3, new int[] {0, 1, 2}))
        .createBufferedImage(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.getRaster().setPixel(x, y, new int[] {x * 8000, y * 12000, 0xFFFF - x * y});
    }
    return img;
  }

  private static BufferedImage palette(int w, int h) {
    byte[] r = {(byte) 200, 10, 0, (byte) 255};
    byte[] g = {(byte) 100, 20, (byte) 255, 0};
    byte[] b = {50, 30, 0, (byte) 255};
    byte[] a = {0, (byte) 255, (byte) 128, (byte) 255};
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b, a));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (x + y) % 4);
    }
    return img;
  }

  private static BufferedImage argb(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) img.setRGB(x, y, ((x * 40) << 24) | 0x336699);
    }
    return img;
  }

  /** Flat CMYK stored inverted behind an Adobe APP14 marker, as Photoshop writes it. */
  public static byte[] adobeCmykJpeg(int w, int h) {
    byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
    return insertAfterSoi(plainFourChannelJpeg(w, h), adobe);
  }

  private static byte[] plainFourChannelJpeg(int w, int h) {
    WritableRaster inverted = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) inverted.setPixel(x, y, new int[] {255, 127, 0, 191});
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(new IIOImage(inverted, null, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  public static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
    return ByteBuffer.allocate(jpeg.length + segment.length)
        .put(jpeg, 0, 2).put(segment).put(jpeg, 2, jpeg.length - 2).array();
  }

  private static byte[] animatedGif(int w, int h, int frames) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.prepareWriteSequence(null);
      for (int f = 0; f < frames; f++) {
        BufferedImage frame = noise(w + f, h + f);
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_gif_image_1.0");
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", "10");
        control.setAttribute("transparentColorIndex", "0");
        root.appendChild(control);
        metadata.mergeTree("javax_imageio_gif_image_1.0", root);
        writer.writeToSequence(new IIOImage(frame, null, metadata), param);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A PNG signature and IHDR for an 8-bit RGB image of the given size, with no pixel data. */
  public static byte[] pngHeaderOnly(int width, int height) {
    return concat(pngSignatureAndHeader(width, height), pngChunk("IEND", new byte[0]));
  }

  private static byte[] pngWithIdat(int width, int height, byte[] idat) {
    return concat(pngSignatureAndHeader(width, height), pngChunk("IDAT", idat), pngChunk("IEND", new byte[0]));
  }

  private static byte[] pngSignatureAndHeader(int width, int height) {
    byte[] ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array();
    return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, pngChunk("IHDR", ihdr));
  }

  private static byte[] pngChunk(String type, byte[] data) {
    byte[] typed = concat(type.getBytes(StandardCharsets.US_ASCII), data);
    CRC32 crc = new CRC32();
    crc.update(typed);
    return ByteBuffer.allocate(4 + typed.length + 4).putInt(data.length).put(typed).putInt((int) crc.getValue()).array();
  }

  /** GIF89a with a logical screen and one image descriptor of the given size, a minimal LZW stream. */
  private static byte[] gifHeaderOnly(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height)
        .put((byte) 0x80).put((byte) 0).put((byte) 0) // global colour table of 2 entries
        .put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255})
        .put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height)
        .put((byte) 0).put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  /** BITMAPINFOHEADER for a 24-bit image of the given size followed by {@code dataBytes} of pixels. */
  private static byte[] bmpHeader(int width, int height, int dataBytes) {
    return bmp(width, height, new byte[dataBytes]);
  }

  private static byte[] bmpWithRandomPixels(int width, int height, Random random) {
    return bmp(width, height, garbage(random, ((width * 3 + 3) / 4 * 4) * height));
  }

  private static byte[] bmp(int width, int height, byte[] pixels) {
    ByteBuffer b = ByteBuffer.allocate(54 + pixels.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(54 + pixels.length).putInt(0).putInt(54)
        .putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0)
        .putInt(pixels.length).putInt(2835).putInt(2835).putInt(0).putInt(0).put(pixels);
    return b.array();
  }

  /** A little-endian TIFF whose only IFD declares an uncompressed 8-bit RGB image of the given size. */
  private static byte[] tiffHeader(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(8 + 2 + 9 * 12 + 4 + 6 + 16).order(ByteOrder.LITTLE_ENDIAN);
    int bitsAt = 8 + 2 + 9 * 12 + 4;
    int dataAt = bitsAt + 6;
    b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 9);
    tag(b, 256, 4, 1, width);
    tag(b, 257, 4, 1, height);
    tag(b, 258, 3, 3, bitsAt);
    tag(b, 259, 3, 1, 1);
    tag(b, 262, 3, 1, 2);
    tag(b, 273, 4, 1, dataAt);
    tag(b, 277, 3, 1, 3);
    tag(b, 278, 4, 1, height);
    tag(b, 279, 4, 1, 16);
    b.putInt(0).putShort((short) 8).putShort((short) 8).putShort((short) 8);
    return b.array();
  }

  private static void tag(ByteBuffer b, int tag, int type, int count, int value) {
    b.putShort((short) tag).putShort((short) type).putInt(count);
    if (type == 3 && count == 1) b.putShort((short) value).putShort((short) 0);
    else b.putInt(value);
  }

  /** The JPEG with its SOF0 frame's height and width replaced. */
  private static byte[] jpegWithSize(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    int sof = markerOffset(out, 0xC0);
    ByteBuffer.wrap(out, sof + 5, 4).putShort((short) height).putShort((short) width);
    return out;
  }

  /** The JPEG's entropy-coded scan (after SOS, before EOI) overwritten with random bytes. */
  private static byte[] jpegWithGarbageScan(byte[] jpeg, Random random) {
    byte[] out = jpeg.clone();
    int sos = markerOffset(out, 0xDA);
    int start = sos + 2 + (((out[sos + 2] & 0xFF) << 8) | (out[sos + 3] & 0xFF));
    for (int i = start; i < out.length - 2; i++) {
      int v = random.nextInt(256);
      out[i] = (byte) (v == 0xFF ? 0xFE : v); // no accidental markers
    }
    return out;
  }

  private static int markerOffset(byte[] jpeg, int marker) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) return i;
    }
    throw new IllegalStateException("no marker " + Integer.toHexString(marker));
  }

  /** The GIF's bytes after its header and colour table overwritten with random bytes (the trailer kept). */
  private static byte[] gifWithGarbage(byte[] gif, Random random) {
    byte[] out = gif.clone();
    int tableBytes = (out[10] & 0x80) != 0 ? 3 << ((out[10] & 0x07) + 1) : 0;
    for (int i = 13 + tableBytes + 16; i < out.length - 1; i++) out[i] = (byte) random.nextInt(256);
    return out;
  }

  private static byte[] garbage(Random random, int n) {
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

}
