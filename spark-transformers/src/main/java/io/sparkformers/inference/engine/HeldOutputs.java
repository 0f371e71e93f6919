package io.sparkformers.inference.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outputs of one run, left where the engine wrote them until closed, from which callers copy
 * out their own rows: the device worker's merged pass reaches each task's heap in one copy, where
 * a whole copy into the heap and then each task's cut from it would make two.
 */
public interface HeldOutputs extends AutoCloseable {
  /** The outputs' names and shapes, in the order the run gave them. */
  Map<String, long[]> shapes();

  /** Rows {@code from} to {@code to} (exclusive) of an output and, of its axis 1, at most the first {@code positions}. */
  Tensor rows(String name, int from, int to, int positions);

  @Override
  void close();

  /** Outputs already in the heap, cut with {@link Tensor#rows}. */
  static HeldOutputs inHeap(Map<String, Tensor> outputs) {
    return new HeldOutputs() {
      @Override
      public Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        outputs.forEach((name, t) -> shapes.put(name, t.shape()));
        return shapes;
      }

      @Override
      public Tensor rows(String name, int from, int to, int positions) {
        return outputs.get(name).rows(from, to, positions);
      }

      @Override
      public void close() {}
    };
  }
}
