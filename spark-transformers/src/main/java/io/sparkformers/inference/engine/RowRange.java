package io.sparkformers.inference.engine;

/**
 * Rows {@code from} to {@code to} (exclusive) of a row-major tensor and, of its axis 1, at most
 * the first {@code positions}: one caller's part of a merged output, its padding cut off. Says the
 * part's shape and which runs of elements to copy, wherever the elements are.
 */
record RowRange(long[] shape, int rowLength, int keep, int from, int to) {
  /** Copies {@code length} elements from {@code source} to {@code target}, offsets in elements. */
  interface Copy {
    void copy(int source, int target, int length);
  }

  static RowRange of(long[] whole, int from, int to, int positions) {
    long[] shape = whole.clone();
    long elements = 1;
    for (long d : whole) elements *= d;
    int rowLength = whole[0] == 0 ? 0 : Math.toIntExact(elements / whole[0]);
    int keep = rowLength;
    if (whole.length > 1 && positions < whole[1]) {
      keep = rowLength / Math.toIntExact(whole[1]) * positions;
      shape[1] = positions;
    }
    shape[0] = to - from;
    return new RowRange(shape, rowLength, keep, from, to);
  }

  /** Elements in the part. */
  int size() {
    return (to - from) * keep;
  }

  /** The part's elements in order, in as few runs as the cut allows (one when whole rows are kept). */
  void copy(Copy copy) {
    if (keep == rowLength) {
      copy.copy(from * rowLength, 0, size());
    } else {
      for (int r = from; r < to; r++) copy.copy(r * rowLength, (r - from) * keep, keep);
    }
  }
}
