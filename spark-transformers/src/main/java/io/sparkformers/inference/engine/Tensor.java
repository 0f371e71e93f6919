package io.sparkformers.inference.engine;

import java.util.Arrays;

/**
 * A named model input or output: a flat row-major Java array and its shape. Engines convert to
 * and from their native tensors, so task code never sees an engine type.
 */
public final class Tensor {
  public enum Type { FLOAT32, INT64, BOOL }

  private final Type type;
  private final long[] shape;
  private final Object data;
  /** The value of the padding cells of axis 1, when that axis is a padded sequence; else null. */
  private final Long padding;

  private Tensor(Type type, Object data, long[] shape) {
    this(type, data, shape, null);
  }

  private Tensor(Type type, Object data, long[] shape, Long padding) {
    long n = 1;
    for (long d : shape) n *= d;
    int length = java.lang.reflect.Array.getLength(data);
    if (n != length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + length);
    }
    this.type = type;
    this.shape = shape.clone();
    this.data = data;
    this.padding = padding;
  }

  public static Tensor floats(float[] data, long... shape) {
    return new Tensor(Type.FLOAT32, data, shape);
  }

  public static Tensor longs(long[] data, long... shape) {
    return new Tensor(Type.INT64, data, shape);
  }

  public static Tensor bools(boolean[] data, long... shape) {
    return new Tensor(Type.BOOL, data, shape);
  }

  /**
   * This tensor, declaring its axis 1 a sequence padded at the end with {@code value} (the pad id
   * for input_ids, 0 for attention_mask): a batcher may then pad it further to merge it with longer
   * sequences, as the tokenizer padded it to its batch's longest.
   */
  public Tensor paddedWith(long value) {
    if (type != Type.INT64 || shape.length < 2) {
      throw new IllegalArgumentException("only int64 tensors with a sequence axis 1 are padded, not " + this);
    }
    return new Tensor(type, data, shape, value);
  }

  /** Whether axis 1 is a sequence padded with {@link #padValue()}. */
  public boolean padded() {
    return padding != null;
  }

  public long padValue() {
    if (padding == null) throw new IllegalStateException(this + " declares no padding");
    return padding;
  }

  public Type type() {
    return type;
  }

  public long[] shape() {
    return shape.clone();
  }

  public int dim(int axis) {
    return Math.toIntExact(shape[axis < 0 ? shape.length + axis : axis]);
  }

  public float[] floats() {
    return (float[]) cast(Type.FLOAT32);
  }

  public long[] longs() {
    return (long[]) cast(Type.INT64);
  }

  public boolean[] bools() {
    return (boolean[]) cast(Type.BOOL);
  }

  /** Elements in the tensor. */
  public int size() {
    return java.lang.reflect.Array.getLength(data);
  }

  /**
   * The rows {@code rows} of axis 0, in that order; an index may repeat (torch's index_select), as
   * beam search needs to reorder and copy its cached rows.
   */
  public Tensor take(int[] rows) {
    int rowSize = shape[0] == 0 ? 0 : size() / Math.toIntExact(shape[0]);
    long[] newShape = shape.clone();
    newShape[0] = rows.length;
    Object out = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), rows.length * rowSize);
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(data, rows[i] * rowSize, out, i * rowSize, rowSize);
    }
    return new Tensor(type, out, newShape);
  }

  /**
   * Rows {@code from} (inclusive) to {@code to} (exclusive) of axis 0 and, of axis 1, at most the
   * first {@code positions}: one caller's part of a merged output, its padding cut off, in one copy.
   */
  public Tensor rows(int from, int to, int positions) {
    RowRange part = RowRange.of(shape, from, to, positions);
    Object out = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), part.size());
    part.copy((source, target, length) -> System.arraycopy(data, source, out, target, length));
    return new Tensor(type, out, part.shape());
  }

  private Object cast(Type wanted) {
    if (type != wanted) {
      throw new IllegalStateException("tensor is " + type + ", not " + wanted);
    }
    return data;
  }

  @Override
  public String toString() {
    return type + Arrays.toString(shape);
  }
}
