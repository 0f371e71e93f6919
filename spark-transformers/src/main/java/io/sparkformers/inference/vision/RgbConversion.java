package io.sparkformers.inference.vision;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * A decoded image as PIL's {@code Image.convert("RGB")} leaves it. Samples are taken from the
 * raster, not through {@code getRGB}, because Java would colour-manage them (linear gray to sRGB)
 * where PIL copies values: gray is replicated, alpha is dropped without premultiplying, CMYK uses
 * PIL's naive formula, and 16-bit data follows PIL's PNG modes.
 */
final class RgbConversion {
  private RgbConversion() {}

  static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ColorModel cm = image.getColorModel();
    byte[] out = new byte[3 * w * h];
    if (cm instanceof ComponentColorModel) {
      int space = cm.getColorSpace().getType();
      if (space == ColorSpace.TYPE_RGB && interleavedBytes(image.getRaster(), out)) {
        return new RgbImage(w, h, out);
      }
      if (space == ColorSpace.TYPE_GRAY || space == ColorSpace.TYPE_RGB || space == ColorSpace.TYPE_CMYK) {
        components(image.getRaster(), cm, space, out);
        return new RgbImage(w, h, out);
      }
    }
    // Palette (IndexColorModel) and packed sRGB (DirectColorModel) come through getRGB unchanged.
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        int o = (y * w + x) * 3;
        out[o] = (byte) (argb >> 16);
        out[o + 1] = (byte) (argb >> 8);
        out[o + 2] = (byte) argb;
      }
    }
    return new RgbImage(w, h, out);
  }

  /**
   * 8-bit RGB(A) or BGR(A) samples interleaved in one byte array, as the JPEG and PNG readers decode
   * most images: copied straight from the array, which is the same values {@link #components} reads
   * through {@code getPixels} an int per sample (a fifth of the pre-processing time in a profile).
   * False, writing nothing, for any other layout.
   */
  private static boolean interleavedBytes(Raster raster, byte[] out) {
    if (!(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
        || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || buffer.getNumBanks() != 1 || raster.getNumBands() < 3
        || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
      return false;
    }
    byte[] data = buffer.getData();
    int[] bands = model.getBandOffsets();
    int stride = model.getPixelStride();
    int w = raster.getWidth();
    for (int y = 0, o = 0; y < raster.getHeight(); y++) {
      int p = buffer.getOffset() + y * model.getScanlineStride();
      for (int x = 0; x < w; x++, p += stride) {
        out[o++] = data[p + bands[0]];
        out[o++] = data[p + bands[1]];
        out[o++] = data[p + bands[2]];
      }
    }
    return true;
  }

  private static void components(Raster raster, ColorModel cm, int space, byte[] out) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int bands = raster.getNumBands();
    boolean sixteenBit = raster.getTransferType() == DataBuffer.TYPE_USHORT;
    // PIL opens a 16-bit gray PNG as mode I;16 and clips it to 255 on convert("RGB"); every other
    // 16-bit PNG mode (RGB, RGBA, LA) is unpacked to its high byte.
    boolean clipGray16 = sixteenBit && space == ColorSpace.TYPE_GRAY && !cm.hasAlpha();
    int[] px = new int[bands * w];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, px);
      for (int x = 0; x < w; x++) {
        int p = x * bands;
        int o = (y * w + x) * 3;
        int r;
        int g;
        int b;
        if (space == ColorSpace.TYPE_GRAY) {
          int v = px[p];
          r = g = b = clipGray16 ? Math.min(v, 255) : sixteenBit ? v >> 8 : v;
        } else if (space == ColorSpace.TYPE_RGB) {
          int shift = sixteenBit ? 8 : 0;
          r = px[p] >> shift;
          g = px[p + 1] >> shift;
          b = px[p + 2] >> shift;
        } else {
          r = cmykChannel(px[p], px[p + 3]);
          g = cmykChannel(px[p + 1], px[p + 3]);
          b = cmykChannel(px[p + 2], px[p + 3]);
        }
        out[o] = (byte) r;
        out[o + 1] = (byte) g;
        out[o + 2] = (byte) b;
      }
    }
  }

  /** PIL's cmyk2rgb: {@code nk - MULDIV255(c, nk)} with {@code nk = 255 - k}. */
  private static int cmykChannel(int c, int k) {
    int nk = 255 - k;
    int tmp = c * nk + 128;
    return nk - ((tmp + (tmp >> 8)) >> 8);
  }
}
