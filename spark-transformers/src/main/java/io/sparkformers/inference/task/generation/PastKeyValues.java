package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.ResidentRuns;
import io.sparkformers.inference.engine.ResidentTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KV cache of a batch, left in the engine: one tensor per past input, [rows, heads, length,
 * head_dim]. A step's presents replace it without a copy; reordering or merging rows copies it once.
 */
final class PastKeyValues implements AutoCloseable {
  private static final int LENGTH_AXIS = 2;

  private final ResidentRuns engine;
  private final Map<String, ResidentTensor> tensors;

  PastKeyValues(ResidentRuns engine, Map<String, ResidentTensor> tensors) {
    this.engine = engine;
    this.tensors = new LinkedHashMap<>(tensors);
  }

  Map<String, ResidentTensor> tensors() {
    return tensors;
  }

  /**
   * Takes a step's presents. An empty one keeps the past it would replace: the cached branch of
   * Optimum's merged seq2seq decoder returns empty cross-attention presents, whose values do not
   * change after the first step.
   */
  void update(Map<String, ResidentTensor> presents) {
    presents.forEach((name, present) -> {
      if (elements(present) == 0 && tensors.containsKey(name)) {
        present.close();
      } else {
        ResidentTensor old = tensors.put(name, present);
        if (old != null) old.close();
      }
    });
  }

  /** Keeps the rows {@code rows} in that order (repeats allowed), each entry at its own length. */
  void keep(int[] rows) {
    tensors.replaceAll((name, t) -> replaced(t, List.of(new ResidentRuns.Rows(t, rows)), t.shape()[LENGTH_AXIS]));
  }

  /**
   * Keeps the rows {@code rows}, every entry cut or left-padded to its last {@code length}
   * positions: a left-padded cache whose kept rows need fewer (or more) columns.
   */
  void keep(int[] rows, long length) {
    tensors.replaceAll((name, t) -> replaced(t, List.of(new ResidentRuns.Rows(t, rows)), length));
  }

  /** Puts the rows {@code rows} of {@code joining} after these, every entry left-padded or cut to {@code length}. */
  void append(PastKeyValues joining, int[] rows, long length) {
    tensors.replaceAll((name, t) ->
        replaced(t, List.of(new ResidentRuns.Rows(t, all(t)), new ResidentRuns.Rows(joining.tensors.get(name), rows)), length));
  }

  private ResidentTensor replaced(ResidentTensor old, List<ResidentRuns.Rows> parts, long length) {
    if (parts.size() == 1 && length == old.shape()[LENGTH_AXIS] && isIdentity(parts.get(0).rows(), old)) return old;
    ResidentTensor stacked = engine.stack(parts, LENGTH_AXIS, length);
    old.close();
    return stacked;
  }

  private static boolean isIdentity(int[] rows, ResidentTensor t) {
    if (rows.length != t.shape()[0]) return false;
    for (int i = 0; i < rows.length; i++) if (rows[i] != i) return false;
    return true;
  }

  private static int[] all(ResidentTensor t) {
    int[] rows = new int[Math.toIntExact(t.shape()[0])];
    for (int i = 0; i < rows.length; i++) rows[i] = i;
    return rows;
  }

  private static long elements(ResidentTensor t) {
    long n = 1;
    for (long d : t.shape()) n *= d;
    return n;
  }

  @Override
  public void close() {
    tensors.values().forEach(ResidentTensor::close);
    tensors.clear();
  }
}
