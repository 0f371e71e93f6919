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

  private Tensor(Type type, Object data, long[] shape) {
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
