package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.Tensor;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;

/**
 * Stacks tensors along their first axis (the batch) and cuts them apart again; pads a sequence on
 * axis 1 and cuts the padding off again.
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

  /** Rows {@code from} (inclusive) to {@code to} (exclusive) along dim 0. */
  static Tensor slice(Tensor t, int from, int to) {
    long[] shape = t.shape();
    Object data = data(t);
    int rowLength = shape[0] == 0 ? 0 : Array.getLength(data) / t.dim(0);
    shape[0] = to - from;
    Object out = Array.newInstance(data.getClass().getComponentType(), (to - from) * rowLength);
    System.arraycopy(data, from * rowLength, out, 0, (to - from) * rowLength);
    return of(t.type(), out, shape);
  }

  /** {@code t} with axis 1 grown to {@code length}, the new cells holding its pad value. */
  static Tensor padAxis1(Tensor t, int length) {
    long[] shape = t.shape();
    int from = t.dim(1);
    if (from == length) return t;
    int inner = from == 0 ? 0 : t.size() / t.dim(0) / from;
    long[] data = t.longs();
    long[] out = new long[t.dim(0) * length * inner];
    Arrays.fill(out, t.padValue());
    for (int r = 0; r < t.dim(0); r++) {
      System.arraycopy(data, r * from * inner, out, r * length * inner, from * inner);
    }
    shape[1] = length;
    return Tensor.longs(out, shape).paddedWith(t.padValue());
  }

  /** The first {@code length} positions of axis 1 of {@code t}: a padded output cut back to a request's own sequence. */
  static Tensor cutAxis1(Tensor t, int length) {
    long[] shape = t.shape();
    int from = t.dim(1);
    if (from == length) return t;
    int inner = from == 0 ? 0 : t.size() / t.dim(0) / from;
    Object data = data(t);
    Object out = Array.newInstance(data.getClass().getComponentType(), t.dim(0) * length * inner);
    for (int r = 0; r < t.dim(0); r++) {
      System.arraycopy(data, r * from * inner, out, r * length * inner, length * inner);
    }
    shape[1] = length;
    return of(t.type(), out, shape);
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
