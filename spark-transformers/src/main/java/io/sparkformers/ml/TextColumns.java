package io.sparkformers.ml;

import io.sparkformers.inference.text.TextInputs;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A text input column: string, or binary holding UTF-8 (decoded strictly, so bad bytes fail the row). */
final class TextColumns {
  private TextColumns() {}

  static void check(StructType schema, String column) {
    DataType type = InferenceStage.columnType(schema, column);
    if (!type.equals(DataTypes.StringType) && !type.equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException("input column '" + column + "' must be string or binary (UTF-8),"
          + " got " + type.simpleString());
    }
  }

  /** Reads the column at a fixed index; built on the driver, shipped with the binding. */
  static final class Reader implements Serializable {
    private final int index;
    private final boolean binary;

    Reader(StructType schema, String column) {
      this.index = schema.fieldIndex(column);
      this.binary = schema.apply(column).dataType().equals(DataTypes.BinaryType);
    }

    String read(Row row) {
      if (row.isNullAt(index)) return null;
      return binary ? TextInputs.utf8((byte[]) row.get(index)) : row.getString(index);
    }
  }
}
