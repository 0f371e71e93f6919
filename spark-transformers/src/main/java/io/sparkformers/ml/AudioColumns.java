package io.sparkformers.ml;

import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.task.InvalidInputException;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An audio input column: binary (the bytes of an audio file, as binaryFile's {@code content}), or
 * array&lt;float&gt; / array&lt;double&gt; samples with their rate from an integer column or a fixed value.
 */
final class AudioColumns {
  private AudioColumns() {}

  static void check(StructType schema, String column, String rateColumn) {
    DataType type = InferenceStage.columnType(schema, column);
    boolean samples = isSamples(type);
    if (!samples && !type.equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException("input column '" + column + "' must be binary (an audio file's bytes)"
          + " or array<float> samples, got " + type.simpleString());
    }
    if (rateColumn == null) return;
    if (!samples) {
      throw new IllegalArgumentException("samplingRateCol applies to array<float> samples; '" + column
          + "' holds encoded audio, whose rate is in its header");
    }
    DataType rate = InferenceStage.columnType(schema, rateColumn);
    if (!rate.equals(DataTypes.IntegerType) && !rate.equals(DataTypes.LongType)) {
      throw new IllegalArgumentException("sampling rate column '" + rateColumn + "' must be int or bigint, got "
          + rate.simpleString());
    }
  }

  private static boolean isSamples(DataType type) {
    return type instanceof ArrayType array
        && (array.elementType().equals(DataTypes.FloatType) || array.elementType().equals(DataTypes.DoubleType));
  }

  /** Reads the columns at fixed indexes; built on the driver, shipped with the binding. */
  static final class Reader implements Serializable {
    private final int index;
    private final boolean binary;
    private final int rateIndex;
    private final int rate;

    /** @param rateColumn null for the fixed {@code rate} (0: the model's) */
    Reader(StructType schema, String column, String rateColumn, int rate) {
      this.index = schema.fieldIndex(column);
      this.binary = schema.apply(column).dataType().equals(DataTypes.BinaryType);
      this.rateIndex = rateColumn == null ? -1 : schema.fieldIndex(rateColumn);
      this.rate = rate;
    }

    AudioInput read(Row row) {
      if (row.isNullAt(index)) return null;
      if (binary) return AudioInput.encoded((byte[]) row.get(index));
      return AudioInput.samples(samples(row.getList(index)), rate(row));
    }

    private int rate(Row row) {
      if (rateIndex < 0) return rate;
      if (row.isNullAt(rateIndex)) throw new InvalidInputException("sampling rate is null");
      long r = ((Number) row.get(rateIndex)).longValue();
      if (r <= 0 || r > Integer.MAX_VALUE) throw new InvalidInputException("sampling rate " + r + " is not a rate");
      return (int) r;
    }

    private static float[] samples(List<Number> values) {
      float[] out = new float[values.size()];
      for (int i = 0; i < out.length; i++) {
        Number v = values.get(i);
        if (v == null) throw new InvalidInputException("sample " + i + " is null");
        out[i] = v.floatValue();
      }
      return out;
    }
  }
}
