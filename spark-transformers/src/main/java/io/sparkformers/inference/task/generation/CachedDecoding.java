package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.Tensor;
import java.util.Map;

/**
 * The loop every cached decoder shares: feed the new tokens with the past, keep the presents as the
 * next past, keep each row's last logits. Subclasses add the model's other inputs.
 */
abstract class CachedDecoding implements Decoding {
  private final DecoderGraph graph;
  private PastKeyValues past;
  private float[][] logits;

  protected CachedDecoding(DecoderGraph graph) {
    this.graph = graph;
  }

  /** The first step, from an empty cache. */
  protected final void start(Map<String, Tensor> inputs, int rows) {
    past = new PastKeyValues(graph.emptyPast(rows));
    take(graph.run(inputs, past.tensors(), false));
  }

  private void take(DecoderGraph.Step step) {
    past.update(step.presents());
    logits = step.lastLogits();
  }

  /** The inputs of a cached step besides the past: the new tokens and what the model needs with them. */
  protected abstract Map<String, Tensor> stepInputs(long[] tokens);

  /** Reorders the inputs the subclass keeps per row. */
  protected abstract void keepInputs(int[] rows);

  @Override
  public int rows() {
    return logits.length;
  }

  @Override
  public float[] logits(int row) {
    return logits[row].clone();
  }

  @Override
  public void append(long[] tokens) {
    if (tokens.length != rows()) throw new IllegalArgumentException("one token per row: " + rows());
    take(graph.run(stepInputs(tokens), past.tensors(), true));
  }

  @Override
  public void keep(int[] rows) {
    past.keep(rows);
    float[][] kept = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) kept[i] = logits[rows[i]];
    logits = kept;
    keepInputs(rows);
  }

  /** [rows, 1] of one token per row. */
  protected static Tensor column(long[] tokens) {
    return Tensor.longs(tokens.clone(), tokens.length, 1);
  }
}
