package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.Tensor;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;

/**
 * Stacks tensors along their first axis (the batch), padding a sequence on axis 1 to the longest
 * ({@link Tensor#rows} cuts them apart again).
 */
final class TensorRows {
  private TensorRows() {}

  /** The parts one after another along dim 0; they share the type and every other dim. */
  static Tensor concat(List<Tensor> parts) {
    Tensor first = parts.get(0);
    long[] shape = first.shape();
    int rows = 0;
    int length = 0;
    for (Tensor t : parts) {
      rows += t.dim(0);
      length += Array.getLength(data(t));
    }
    shape[0] = rows;
    Object out = Array.newInstance(data(first).getClass().getComponentType(), length);
    int at = 0;
    for (Tensor t : parts) {
      Object data = data(t);
      int n = Array.getLength(data);
      System.arraycopy(data, 0, out, at, n);
      at += n;
    }
    return of(first.type(), out, shape);
  }

  /**
   * Padded sequences one after another along dim 0, axis 1 grown to {@code length} with their pad
   * value: the merged input in one copy, with no padded part made on the way.
   */
  static Tensor concatPadded(List<Tensor> parts, int length) {
    Tensor first = parts.get(0);
    long[] shape = first.shape();
    int inner = inner(first);
    int rows = 0;
    for (Tensor t : parts) rows += t.dim(0);
    long[] out = new long[rows * length * inner];
    int row = 0;
    for (Tensor t : parts) {
      long[] data = t.longs();
      int from = t.dim(1) * inner;
      for (int r = 0; r < t.dim(0); r++, row++) {
        int at = row * length * inner;
        System.arraycopy(data, r * from, out, at, from);
        Arrays.fill(out, at + from, at + length * inner, t.padValue());
      }
    }
    shape[0] = rows;
    shape[1] = length;
    return Tensor.longs(out, shape).paddedWith(first.padValue());
  }

  /** Elements per position of axis 1: the product of the dims after it. */
  private static int inner(Tensor t) {
    int inner = 1;
    for (int axis = 2; axis < t.shape().length; axis++) inner *= t.dim(axis);
    return inner;
  }

  /** Every dim but the batch: what must agree for tensors to be stacked. */
  static List<Long> rowShape(Tensor t) {
    long[] shape = t.shape();
    return Arrays.stream(shape, 1, shape.length).boxed().toList();
  }

  private static Object data(Tensor t) {
    switch (t.type()) {
      case FLOAT32:
        return t.floats();
      case INT64:
        return t.longs();
      default:
        return t.bools();
    }
  }

  private static Tensor of(Tensor.Type type, Object data, long[] shape) {
    switch (type) {
      case FLOAT32:
        return Tensor.floats((float[]) data, shape);
      case INT64:
        return Tensor.longs((long[]) data, shape);
      default:
        return Tensor.bools((boolean[]) data, shape);
    }
  }
}
