package io.sparkformers.inference.vision;

import java.io.Serializable;

/**
 * One image as a row may hold it: encoded bytes, a raster someone else decoded, or the path of a
 * file. {@link #load} turns each into the RGB image transformers' {@code load_image} would give,
 * within the decoder's limits; failures are {@link io.sparkformers.inference.task.InvalidInputException}s.
 */
public sealed interface ImageInput extends Serializable {

  RgbImage load(ImageDecoder decoder);

  /** JPEG, PNG, ... bytes, e.g. the {@code content} of Spark's binaryFile source. */
  record Encoded(byte[] bytes) implements ImageInput {
    @Override
    public RgbImage load(ImageDecoder decoder) {
      return decoder.decode(bytes);
    }
  }

  /** An already decoded image, e.g. from Spark's image source. */
  record Decoded(RgbImage image) implements ImageInput {
    @Override
    public RgbImage load(ImageDecoder decoder) {
      return decoder.accept(image);
    }
  }

  /** A file path or any Hadoop URI (file:, hdfs:, s3a:, ...). */
  record Located(String path) implements ImageInput {
    @Override
    public RgbImage load(ImageDecoder decoder) {
      return decoder.decodeFile(path);
    }
  }
}
