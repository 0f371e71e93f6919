package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The rows decoding at once, as groups that share a cache: inputs that join are started together
 * (their prompts' first step) and taken into the last group when the model allows, else decode as
 * a group of their own, one run per group per step. Rows are numbered group after group.
 *
 * <p>When the last group takes joiners, an input that joins alone does not get a first step of its
 * own: the inputs after it are started with it, {@code startAhead} at a time, and wait, their first
 * step done, until they join in turn. Inputs join in order (as {@link Admission} starts them), so a
 * first step serves several joins; one run costs about the same for one row as for several, as a
 * decode step reads every weight either way.
 */
final class ContinuousDecoding implements Decoding {
  private final Function<int[], CachedDecoding> starter;
  private final int inputs;
  private final int startAhead;
  private final List<CachedDecoding> groups = new ArrayList<>();
  /** Inputs started ahead of their turn, waiting to join; null when none wait. */
  private CachedDecoding waiting;
  /** The input of each waiting row. */
  private int[] waitingInputs;
  /** The first waiting row not yet joined: the rows before it have joined. */
  private int nextWaiting;

  /**
   * @param starter starts the given inputs: their first step, as one group
   * @param inputs how many inputs there are (indices 0 to inputs - 1)
   * @param startAhead how many inputs one first step starts when a single one joins the rows decoding
   */
  ContinuousDecoding(Function<int[], CachedDecoding> starter, int inputs, int startAhead) {
    this.starter = starter;
    this.inputs = inputs;
    this.startAhead = startAhead;
  }

  @Override
  public int rows() {
    int rows = 0;
    for (CachedDecoding g : groups) rows += g.rows();
    return rows;
  }

  @Override
  public float[] logits(int row) {
    for (CachedDecoding g : groups) {
      if (row < g.rows()) return g.logits(row);
      row -= g.rows();
    }
    throw new IndexOutOfBoundsException("row " + row);
  }

  @Override
  public void append(long[] tokens) {
    if (tokens.length != rows()) throw new IllegalArgumentException("one token per row: " + rows());
    int from = 0;
    for (CachedDecoding g : groups) {
      g.append(Arrays.copyOfRange(tokens, from, from + g.rows()));
      from += g.rows();
    }
  }

  /** {@inheritDoc} Rows of one group stay before those of the next. */
  @Override
  public void keep(int[] rows) {
    List<CachedDecoding> kept = new ArrayList<>();
    int at = 0;
    int first = 0;
    for (CachedDecoding g : groups) {
      int size = g.rows();
      int end = at;
      while (end < rows.length && rows[end] >= first && rows[end] < first + size) end++;
      if (end == at) {
        g.close();
      } else {
        int[] own = new int[end - at];
        for (int i = at; i < end; i++) own[i - at] = rows[i] - first;
        g.keep(own);
        kept.add(g);
      }
      at = end;
      first += size;
    }
    if (at != rows.length) throw new IllegalArgumentException("rows must keep their groups' order: " + Arrays.toString(rows));
    groups.clear();
    groups.addAll(kept);
  }

  @Override
  public void join(int[] started) {
    if (started.length == 0) return;
    CachedDecoding last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
    if (last == null || !last.absorbs()) {
      closeWaiting();
      groups.add(starter.apply(started));
      return;
    }
    for (int i = 0; i < started.length; ) {
      if (waiting == null || waitingInputs[nextWaiting] != started[i]) start(started[i], started.length - i);
      int from = nextWaiting;
      while (i < started.length && nextWaiting < waitingInputs.length && waitingInputs[nextWaiting] == started[i]) {
        nextWaiting++;
        i++;
      }
      int[] rows = new int[nextWaiting - from];
      for (int r = 0; r < rows.length; r++) rows[r] = from + r;
      last.absorb(waiting, rows);
      if (nextWaiting == waitingInputs.length) closeWaiting();
    }
  }

  /** Starts {@code input} and the inputs after it: at least {@code count}, at least startAhead, as many as there are. */
  private void start(int input, int count) {
    closeWaiting();
    waitingInputs = new int[Math.min(Math.max(count, startAhead), inputs - input)];
    for (int r = 0; r < waitingInputs.length; r++) waitingInputs[r] = input + r;
    waiting = starter.apply(waitingInputs);
    nextWaiting = 0;
  }

  /** Inputs that wait when decoding ends, or out of turn, are started again when they join. */
  private void closeWaiting() {
    if (waiting != null) waiting.close();
    waiting = null;
  }

  @Override
  public void close() {
    closeWaiting();
    groups.forEach(CachedDecoding::close);
    groups.clear();
  }
}
