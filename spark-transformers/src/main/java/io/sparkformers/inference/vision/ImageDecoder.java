package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Encoded bytes (JPEG, PNG, BMP, GIF, TIFF, WebP) to an upright RGB image, as transformers'
 * {@code load_image} does with PIL: first frame, EXIF orientation applied, {@code convert("RGB")}.
 * Codecs are ImageIO's plus the TwelveMonkeys plugins on the class path. Thread-safe.
 */
public final class ImageDecoder implements java.io.Serializable {
  /** PIL's {@code Image.MAX_IMAGE_PIXELS}, its decompression-bomb limit. */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;
  /** Larger than any sane encoded photo; guards executors against absurd rows. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  static {
    // Plugins register through META-INF/services; scan once in case the context class loader
    // that first touched ImageIO did not see them (Spark executors load user jars late).
    ImageIO.scanForPlugins();
  }

  private final long maxPixels;
  private final long maxBytes;
  /** Reaches image paths; set on the executor, since a Hadoop Configuration is not serializable. */
  private final transient Configuration files;

  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
  }

  public ImageDecoder(long maxPixels, long maxBytes) {
    this(maxPixels, maxBytes, null);
  }

  private ImageDecoder(long maxPixels, long maxBytes, Configuration files) {
    if (maxPixels <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive: maxPixels=" + maxPixels + ", maxBytes=" + maxBytes);
    }
    this.maxPixels = maxPixels;
    this.maxBytes = maxBytes;
    this.files = files;
  }

  /** This decoder reading image paths with {@code conf}, e.g. the Spark session's Hadoop configuration. */
  public ImageDecoder readingPathsWith(Configuration conf) {
    return new ImageDecoder(maxPixels, maxBytes, conf);
  }

  /** Reads and decodes the image at a path or Hadoop URI, within the same limits as bytes. */
  public RgbImage decodeFile(String path) {
    return decode(ImageFiles.read(path, maxBytes, files));
  }

  /**
   * An image decoded elsewhere (Spark's image data source), held to the same pixel limit as the
   * bytes this decoder reads, so a row is valid or not whatever form it comes in.
   */
  public RgbImage accept(RgbImage image) {
    requireWithinPixels("decoded", image.width(), image.height());
    return image;
  }

  /** Decodes one image; throws {@link InvalidInputException} for empty, oversize, corrupt or non-image bytes. */
  public RgbImage decode(byte[] encoded) {
    if (encoded == null || encoded.length == 0) {
      throw new InvalidInputException("empty image: no bytes");
    }
    if (encoded.length > maxBytes) {
      throw new InvalidInputException(
          "image is " + encoded.length + " bytes, over the limit of " + maxBytes);
    }
    RgbImage rgb = RgbConversion.toRgb(readFirstFrame(encoded));
    return ExifOrientation.apply(rgb, ExifOrientation.of(encoded));
  }

  private BufferedImage readFirstFrame(byte[] encoded) {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new InvalidInputException("not an image: no decoder recognises these " + encoded.length + " bytes");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        String format = reader.getFormatName().toUpperCase(Locale.ROOT);
        // The header alone gives the size: reject decompression bombs before any pixel is allocated.
        requireWithinPixels(format, reader.getWidth(0), reader.getHeight(0));
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image = reader.read(0);
        // libjpeg only warns on a cut-off stream and fills the rest with gray; PIL refuses it
        // ("image file is truncated"), and so do we.
        for (String warning : warnings) {
          String w = warning.toLowerCase(Locale.ROOT);
          if (w.contains("premature end") || w.contains("truncat")) {
            throw new InvalidInputException("corrupt " + format + " image: " + warning);
          }
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (InvalidInputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Codecs signal bad data with IIOException, EOFException, and now and then with
      // IllegalArgumentException or IndexOutOfBoundsException from deep inside.
      throw new InvalidInputException("corrupt or truncated image: " + e, e);
    }
  }

  private void requireWithinPixels(String format, int width, int height) {
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new InvalidInputException(format + " image of " + width + "x" + height + " = " + pixels
          + " pixels is over the limit of " + maxPixels + " (decompression bomb?)");
    }
  }
}
