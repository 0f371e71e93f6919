package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The KV cache of a batch: one tensor per past input, [rows, heads, length, head_dim]. */
final class PastKeyValues {
  private final Map<String, Tensor> tensors;

  PastKeyValues(Map<String, Tensor> tensors) {
    this.tensors = new LinkedHashMap<>(tensors);
  }

  Map<String, Tensor> tensors() {
    return tensors;
  }

  /**
   * Takes a step's presents. An empty one keeps the past it would replace: the cached branch of
   * Optimum's merged seq2seq decoder returns empty cross-attention presents, whose values do not
   * change after the first step.
   */
  void update(Map<String, Tensor> presents) {
    presents.forEach((name, present) -> {
      if (present.size() > 0) tensors.put(name, present);
    });
  }

  void keep(int[] rows) {
    tensors.replaceAll((name, t) -> t.take(rows));
  }
}
