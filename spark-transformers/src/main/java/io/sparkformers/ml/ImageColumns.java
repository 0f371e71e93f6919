package io.sparkformers.ml;

import io.sparkformers.inference.vision.ImageInput;
import io.sparkformers.inference.vision.RgbImage;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An image input column: binary (encoded bytes, as the binaryFile source's {@code content}),
 * string (a path or Hadoop URI), or the image source's struct
 * (org.apache.spark.ml.image.ImageSchema: origin, height, width, nChannels, mode, data in BGR(A)).
 */
final class ImageColumns {
  private static final List<String> STRUCT_FIELDS = List.of("height", "width", "nChannels", "data");

  private ImageColumns() {}

  static void check(StructType schema, String column) {
    DataType type = InferenceStage.columnType(schema, column);
    boolean imageStruct = type instanceof StructType s
        && Arrays.asList(s.fieldNames()).containsAll(STRUCT_FIELDS);
    if (!type.equals(DataTypes.BinaryType) && !type.equals(DataTypes.StringType) && !imageStruct) {
      throw new IllegalArgumentException("input column '" + column + "' must be binary (encoded image), string"
          + " (path) or Spark's image struct, got " + type.simpleString());
    }
  }

  /** Reads the column at a fixed index; built on the driver, shipped with the binding. */
  static final class Reader implements Serializable {
    private final int index;
    private final DataType type;
    private final int[] struct;

    Reader(StructType schema, String column) {
      this.index = schema.fieldIndex(column);
      this.type = schema.apply(column).dataType();
      this.struct = type instanceof StructType s
          ? STRUCT_FIELDS.stream().mapToInt(s::fieldIndex).toArray() : null;
    }

    ImageInput read(Row row) {
      if (row.isNullAt(index)) return null;
      if (struct != null) {
        Row image = row.getStruct(index);
        return new ImageInput.Decoded(RgbImage.fromOpenCv(image.getInt(struct[1]), image.getInt(struct[0]),
            image.getInt(struct[2]), (byte[]) image.get(struct[3])));
      }
      return type.equals(DataTypes.BinaryType)
          ? new ImageInput.Encoded((byte[]) row.get(index))
          : new ImageInput.Located(row.getString(index));
    }
  }
}
