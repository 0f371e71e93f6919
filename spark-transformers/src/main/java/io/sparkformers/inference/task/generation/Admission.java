package io.sparkformers.inference.task.generation;

import java.util.Collection;
import java.util.stream.IntStream;

/**
 * Which waiting inputs start decoding, and when: in the order given, as many as the inputs decoding
 * at once allow, and while the rows' cache stays within its budget, counted as if every row reached
 * the longest any of them may (a shared cache is as long as its longest row). One input always
 * starts when none decodes. Static batching starts inputs only when none decodes.
 *
 * <p>Both keep the order given: a row's length is known only once it ends (its eos), so an order by
 * max_new_tokens would favour what a benchmark knows and a user does not. When rows that join do not
 * share the cache of those decoding (an encoder-decoder: each join is a group of its own, one more
 * run per step), inputs start only once half the inputs at once can, so joins come in groups.
 */
final class Admission {
  private final int[] cacheTokens;
  private final int inputsAtOnce;
  private final long maxCacheTokens;
  private final boolean continuous;
  private final int startAhead;
  private final int rowsPerInput;
  private final Decoding decoding;
  /** The first input not started. */
  private int next;

  /**
   * @param cacheTokens per input, the cache positions one of its rows may reach: its stop length,
   *     plus its encoder tokens for an encoder-decoder
   * @param rowsPerInput rows one input decodes as (num_beams)
   * @param decoding where the inputs start
   */
  Admission(int[] cacheTokens, GenerationPipeline.Batching batching, int rowsPerInput, Decoding decoding) {
    this.cacheTokens = cacheTokens;
    this.inputsAtOnce = batching.inputsAtOnce();
    this.maxCacheTokens = batching.maxCacheTokens();
    this.continuous = batching.continuous();
    this.startAhead = batching.startAhead();
    this.rowsPerInput = rowsPerInput;
    this.decoding = decoding;
  }

  /**
   * Starts the inputs that may start now, given the inputs {@code live} decoding: they join the
   * decoding as rows after its rows. Returns them, in their rows' order.
   */
  int[] admit(Collection<Integer> live) {
    if (!continuous && !live.isEmpty()) return new int[0];
    int count = live.size();
    long longest = 0;
    for (int i : live) longest = Math.max(longest, cacheTokens[i]);
    int end = next;
    while (end < cacheTokens.length && count < inputsAtOnce) {
      long widest = Math.max(longest, cacheTokens[end]);
      if (count > 0 && maxCacheTokens > 0 && (count + 1L) * rowsPerInput * widest > maxCacheTokens) break;
      longest = widest;
      count++;
      end++;
    }
    boolean apart = !live.isEmpty() && !decoding.joinersShareCache();
    if (apart && end - next < Math.min(startAhead, cacheTokens.length - next)) return new int[0];
    int[] started = IntStream.range(next, end).toArray();
    next = end;
    if (started.length == 0) return started;
    // a run reads every weight whatever its rows: when few join a shared cache, the next inputs
    // start with them, in one first step, and wait to join in turn
    int ahead = apart || live.isEmpty() ? 0 : Math.max(0, startAhead - started.length);
    decoding.join(started, IntStream.range(next, Math.min(cacheTokens.length, next + ahead)).toArray());
    return started;
  }
}
