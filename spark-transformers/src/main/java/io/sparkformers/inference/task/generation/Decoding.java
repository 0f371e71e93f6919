package io.sparkformers.inference.task.generation;

/**
 * Sequences a model is extending one token at a time, with their KV cache: the searches start
 * inputs as new rows, read each row's next-token logits, feed one token per row, and reorder or
 * drop rows (beam search copies its best beams; finished rows leave, which transformers instead
 * keeps feeding with pad tokens: rows never see each other, so the tokens are the same for less
 * work). Closing it frees the cache.
 */
interface Decoding extends AutoCloseable {
  int rows();

  /** The next-token logits of {@code row}, from the last step (a fresh copy). */
  float[] logits(int row);

  /** Feeds {@code tokens[r]} to row r and runs the model one step. */
  void append(long[] tokens);

  /** Keeps the rows {@code rows}, in that order; an index may repeat (beams of one input). */
  void keep(int[] rows);

  /**
   * Starts the inputs {@code inputs} (indices into the inputs generation was given), one row each
   * after the current rows.
   *
   * @param ahead the inputs that join next: a first step that starts {@code inputs} may start them
   *     too, so they join later without one of their own
   */
  void join(int[] inputs, int[] ahead);

  /**
   * Whether rows that join share the run of the rows decoding; if not, each join decodes as a group
   * of its own, one more run per step.
   */
  boolean joinersShareCache();

  @Override
  void close();
}
