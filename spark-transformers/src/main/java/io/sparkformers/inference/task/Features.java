package io.sparkformers.inference.task;

/** One pre-processed input. Its cost (tokens, pixels, samples) drives length sorting and batch budgets. */
public interface Features {
  long cost();
}
