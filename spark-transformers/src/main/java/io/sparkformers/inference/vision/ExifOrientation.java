package io.sparkformers.inference.vision;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Undoes the camera rotation recorded in EXIF, as PIL's {@code ImageOps.exif_transpose} does in
 * transformers' {@code load_image}. Reads the tag from any container metadata-extractor knows
 * (JPEG APP1, PNG eXIf, WebP, TIFF).
 */
final class ExifOrientation {
  private ExifOrientation() {}

  /** The EXIF orientation (1..8) of an encoded image; 1 when absent or unreadable, as PIL ignores bad EXIF. */
  static int of(byte[] encoded) {
    try {
      Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(encoded));
      ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
      if (ifd0 == null || !ifd0.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
        return 1;
      }
      int orientation = ifd0.getInt(ExifIFD0Directory.TAG_ORIENTATION);
      return orientation >= 1 && orientation <= 8 ? orientation : 1;
    } catch (ImageProcessingException | IOException | MetadataException | RuntimeException e) {
      return 1;
    }
  }

  /**
   * The upright image. Orientation values map to PIL's transposes: 2 FLIP_LEFT_RIGHT, 3 ROTATE_180,
   * 4 FLIP_TOP_BOTTOM, 5 TRANSPOSE, 6 ROTATE_270, 7 TRANSVERSE, 8 ROTATE_90 (PIL rotates
   * counter-clockwise).
   */
  static RgbImage apply(RgbImage image, int orientation) {
    if (orientation == 1) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    boolean swaps = orientation >= 5;
    int outW = swaps ? h : w;
    int outH = swaps ? w : h;
    byte[] in = image.pixels();
    byte[] out = new byte[in.length];
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = h - 1 - x; }
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
          default -> { sx = w - 1 - y; sy = x; } // 8
        }
        System.arraycopy(in, (sy * w + sx) * 3, out, (y * outW + x) * 3, 3);
      }
    }
    return new RgbImage(outW, outH, out);
  }
}
