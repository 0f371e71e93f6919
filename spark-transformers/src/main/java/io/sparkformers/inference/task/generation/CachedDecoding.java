package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.ResidentTensor;
import io.sparkformers.inference.engine.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Rows that share one KV cache and one model run per step: the loop every cached decoder shares.
 * Feeds the new tokens with the past, keeps the presents as the next past, keeps each row's last
 * logits. Subclasses add the model's other inputs and say how rows are kept and merged.
 */
abstract class CachedDecoding implements AutoCloseable {
  protected final DecoderGraph graph;
  protected PastKeyValues past;
  private float[][] logits;

  protected CachedDecoding(DecoderGraph graph) {
    this.graph = graph;
  }

  /** The first step, from an empty cache. */
  protected final void start(Map<String, Tensor> inputs, Map<String, ResidentTensor> resident, int rows) {
    DecoderGraph.Step step = graph.start(inputs, resident, rows);
    past = new PastKeyValues(graph.engine(), step.presents());
    logits = step.lastLogits();
  }

  /** The inputs of a cached step besides the past: the new tokens and what the model needs with them. */
  protected abstract Map<String, Tensor> stepInputs(long[] tokens);

  /** Inputs of a cached step the engine holds besides the past (encoder outputs). */
  protected Map<String, ResidentTensor> residentInputs() {
    return Map.of();
  }

  /** Keeps rows of the past and of the inputs the subclass keeps per row. */
  protected abstract void keepRows(int[] rows);

  /** Whether rows started apart can join this cache: {@link #absorb} works. */
  abstract boolean absorbs();

  /** Copies the rows {@code rows} of {@code joining}, started after these, into this cache, after its rows. */
  abstract void absorb(CachedDecoding joining, int[] rows);

  int rows() {
    return logits.length;
  }

  float[] logits(int row) {
    return logits[row].clone();
  }

  void append(long[] tokens) {
    if (tokens.length != rows()) throw new IllegalArgumentException("one token per row: " + rows());
    DecoderGraph.Step step = graph.step(stepInputs(tokens), residentInputs(), past);
    past.update(step.presents());
    logits = step.lastLogits();
  }

  void keep(int[] rows) {
    keepRows(rows);
    float[][] kept = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) kept[i] = logits[rows[i]];
    logits = kept;
  }

  /** Appends the logits of the rows {@code rows} of {@code joining}. */
  protected final void appendLogits(CachedDecoding joining, int[] rows) {
    float[][] all = Arrays.copyOf(logits, logits.length + rows.length);
    for (int i = 0; i < rows.length; i++) all[logits.length + i] = joining.logits[rows[i]];
    logits = all;
  }

  @Override
  public void close() {
    if (past != null) past.close();
  }

  /** [rows, 1] of one token per row. */
  protected static Tensor column(long[] tokens) {
    return Tensor.longs(tokens.clone(), tokens.length, 1);
  }
}
