package io.sparkformers.inference.task.generation;

/** Rewrites one row's next-token scores in place, as a transformers LogitsProcessor does for a batch. */
interface LogitsProcessor {
  void process(TokenSequence sequence, float[] scores);
}
