package io.sparkformers.inference.engine;

/**
 * A tensor left in an engine's memory between runs, as a decoder's KV cache is: fed back to the next
 * run without crossing into the Java heap. Its owner closes it exactly once.
 */
public interface ResidentTensor extends AutoCloseable {
  long[] shape();

  @Override
  void close();
}
