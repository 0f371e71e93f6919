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

  /** Starts the inputs {@code inputs} (indices into the inputs generation was given), one row each after the current rows. */
  void join(int[] inputs);

  @Override
  void close();
}
