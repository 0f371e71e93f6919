package io.sparkformers.inference.task.generation;

import java.util.Collection;

/**
 * Which waiting inputs start decoding, in order: as many as the inputs decoding at once allow, and
 * while the rows' cache stays within its budget, counted as if every row reached the longest any of
 * them may (a shared cache is as long as its longest row). One input always starts when none decodes.
 * Static batching starts inputs only when none decodes.
 */
final class Admission {
  private final int[] cacheTokens;
  private final int inputsAtOnce;
  private final long maxCacheTokens;
  private final boolean continuous;
  private final int rowsPerInput;
  private int next;

  /**
   * @param cacheTokens per input, the cache positions one of its rows may reach: its stop length,
   *     plus its encoder tokens for an encoder-decoder
   * @param rowsPerInput rows one input decodes as (num_beams)
   */
  Admission(int[] cacheTokens, GenerationPipeline.Batching batching, int rowsPerInput) {
    this.cacheTokens = cacheTokens;
    this.inputsAtOnce = batching.inputsAtOnce();
    this.maxCacheTokens = batching.maxCacheTokens();
    this.continuous = batching.continuous();
    this.rowsPerInput = rowsPerInput;
  }

  /** The inputs to start now, given those decoding. */
  int[] next(Collection<Integer> decoding) {
    if (!continuous && !decoding.isEmpty()) return new int[0];
    int count = decoding.size();
    long longest = 0;
    for (int i : decoding) longest = Math.max(longest, cacheTokens[i]);
    int from = next;
    while (next < cacheTokens.length && count < inputsAtOnce) {
      long widest = Math.max(longest, cacheTokens[next]);
      if (count > 0 && maxCacheTokens > 0 && (count + 1L) * rowsPerInput * widest > maxCacheTokens) break;
      longest = widest;
      count++;
      next++;
    }
    int[] started = new int[next - from];
    for (int i = 0; i < started.length; i++) started[i] = from + i;
    return started;
  }
}
