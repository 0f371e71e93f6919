package io.sparkformers.inference.vision;

import io.sparkformers.inference.task.InvalidInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads an image file through Hadoop's FileSystem, so a path column may name local files or any
 * Hadoop URI, as model paths may, with the configuration the caller has (a stage's: its Spark
 * session's). The size is checked before a byte is read.
 */
final class ImageFiles {
  /** Without a caller's: loading a Configuration parses its XML resources, once per JVM, not per row. */
  private static final Configuration DEFAULT = new Configuration();

  private ImageFiles() {}

  static byte[] read(String path, long maxBytes, Configuration conf) {
    if (path == null || path.isBlank()) {
      throw new InvalidInputException("empty image path");
    }
    try {
      Path file = new Path(path);
      FileSystem fs = file.getFileSystem(conf != null ? conf : DEFAULT);
      FileStatus status = fs.getFileStatus(file);
      if (status.isDirectory()) {
        throw new InvalidInputException("image path " + path + " is a directory");
      }
      if (status.getLen() > maxBytes) {
        throw new InvalidInputException("image " + path + " is " + status.getLen() + " bytes, over the limit of " + maxBytes);
      }
      byte[] bytes = new byte[Math.toIntExact(status.getLen())];
      try (FSDataInputStream in = fs.open(file)) {
        in.readFully(0, bytes);
      }
      return bytes;
    } catch (FileNotFoundException e) {
      throw new InvalidInputException("no image file at " + path, e);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidInputException("cannot read image " + path + ": " + e.getMessage(), e);
    }
  }
}
