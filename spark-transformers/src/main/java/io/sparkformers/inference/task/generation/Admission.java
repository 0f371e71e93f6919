package io.sparkformers.inference.task.generation;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;

/**
 * Which waiting inputs start decoding, and when: as many as the inputs decoding at once allow, and
 * while the rows' cache stays within its budget, counted as if every row reached the longest any of
 * them may (a shared cache is as long as its longest row). One input always starts when none decodes.
 * Static batching starts inputs only when none decodes, in the order given.
 *
 * <p>Continuous batching starts the inputs with the most new tokens allowed first: the rows still
 * decoding when no input waits are then the short ones, so the partition's end, where rows decode
 * with ever fewer neighbours, is short (longest processing time first). When rows that join do not
 * share the cache of those decoding (an encoder-decoder: each join is a group of its own, one more
 * run per step), inputs start only once half the inputs at once can, so joins come in groups.
 */
final class Admission {
  private final int[] cacheTokens;
  private final int[] order;
  private final int inputsAtOnce;
  private final long maxCacheTokens;
  private final boolean continuous;
  private final int startAhead;
  private final int rowsPerInput;
  private final Decoding decoding;
  /** The position in {@link #order} of the first input not started. */
  private int next;

  /**
   * @param cacheTokens per input, the cache positions one of its rows may reach: its stop length,
   *     plus its encoder tokens for an encoder-decoder
   * @param newTokens per input, the most tokens it may generate
   * @param rowsPerInput rows one input decodes as (num_beams)
   * @param decoding where the inputs start
   */
  Admission(int[] cacheTokens, int[] newTokens, GenerationPipeline.Batching batching, int rowsPerInput,
      Decoding decoding) {
    this.cacheTokens = cacheTokens;
    Integer[] byLength = new Integer[cacheTokens.length];
    for (int i = 0; i < byLength.length; i++) byLength[i] = i;
    // stable: equal lengths keep the order given (the batcher's, by prompt length)
    if (batching.continuous()) Arrays.sort(byLength, Comparator.comparingInt(i -> -newTokens[i]));
    this.order = Arrays.stream(byLength).mapToInt(Integer::intValue).toArray();
    this.inputsAtOnce = batching.inputsAtOnce();
    this.maxCacheTokens = batching.maxCacheTokens();
    this.continuous = batching.continuous();
    this.startAhead = batching.startAhead();
    this.rowsPerInput = rowsPerInput;
    this.decoding = decoding;
  }

  /**
   * Starts the inputs that may start now, given those decoding: they join the decoding as rows
   * after its rows. Returns them, in their rows' order.
   */
  int[] admit(Collection<Integer> decoding) {
    if (!continuous && !decoding.isEmpty()) return new int[0];
    int count = decoding.size();
    long longest = 0;
    for (int i : decoding) longest = Math.max(longest, cacheTokens[i]);
    int end = next;
    while (end < order.length && count < inputsAtOnce) {
      long widest = Math.max(longest, cacheTokens[order[end]]);
      if (count > 0 && maxCacheTokens > 0 && (count + 1L) * rowsPerInput * widest > maxCacheTokens) break;
      longest = widest;
      count++;
      end++;
    }
    boolean apart = !decoding.isEmpty() && !this.decoding.joinersShareCache();
    if (apart && end - next < Math.min(startAhead, order.length - next)) return new int[0];
    int[] started = Arrays.copyOfRange(order, next, end);
    next = end;
    if (started.length == 0) return started;
    // a run reads every weight whatever its rows: when few join a shared cache, the next inputs
    // start with them, in one first step, and wait to join in turn
    int ahead = apart || decoding.isEmpty() ? 0 : Math.max(0, startAhead - started.length);
    this.decoding.join(started, Arrays.copyOfRange(order, next, Math.min(order.length, next + ahead)));
    return started;
  }
}
