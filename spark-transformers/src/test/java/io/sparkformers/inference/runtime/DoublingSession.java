package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph in plain Java: {@code y = 2 x} for {@code x [batch, 2]}, and {@code rows [1]}, the batch
 * size, an output without a batch axis. Declares {@code flag} with a fixed dim 0 of 1, as
 * {@code use_cache_branch} is. Records the batch size of every run.
 */
final class DoublingSession implements ModelSession {
  private final List<Integer> batches = new ArrayList<>();

  @Override
  public List<String> inputNames() {
    return List.of("x", "flag");
  }

  @Override
  public List<String> outputNames() {
    return List.of("y", "rows");
  }

  @Override
  public long[] inputShape(String name) {
    return name.equals("x") ? new long[] {-1, 2} : new long[] {1};
  }

  @Override
  public long[] outputShape(String name) {
    return name.equals("y") ? new long[] {-1, 2} : new long[] {1};
  }

  @Override
  public synchronized Map<String, Tensor> run(Map<String, Tensor> inputs, String... outputs) {
    Tensor x = inputs.get("x");
    if (x == null) throw new IllegalArgumentException("missing input x");
    batches.add(x.dim(0));
    float[] y = x.floats().clone();
    for (int i = 0; i < y.length; i++) y[i] *= 2;
    Map<String, Tensor> all = new LinkedHashMap<>();
    all.put("y", Tensor.floats(y, x.shape()));
    all.put("rows", Tensor.longs(new long[] {x.dim(0)}, 1));
    if (outputs.length == 0) return all;
    Map<String, Tensor> wanted = new LinkedHashMap<>();
    for (String o : outputs) wanted.put(o, all.get(o));
    return wanted;
  }

  synchronized List<Integer> batches() {
    return List.copyOf(batches);
  }

  @Override
  public void close() {}
}
