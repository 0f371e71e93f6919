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
 * <p>When the last group takes joiners, the inputs due to join next ({@link Admission} names them)
 * are started with those that join, and wait, their first step done, until they join in turn: a run
 * reads every weight whatever its rows, so one first step serves several joins.
 */
final class ContinuousDecoding implements Decoding {
  private final Function<int[], CachedDecoding> starter;
  private final List<CachedDecoding> groups = new ArrayList<>();
  /** Inputs started ahead of their turn, waiting to join; null when none wait. */
  private CachedDecoding waiting;
  /** The input of each waiting row. */
  private int[] waitingInputs;
  /** The first waiting row not yet joined: the rows before it have joined. */
  private int nextWaiting;

  /** @param starter starts the given inputs: their first step, as one group */
  ContinuousDecoding(Function<int[], CachedDecoding> starter) {
    this.starter = starter;
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
  public void join(int[] started, int[] ahead) {
    if (started.length == 0) return;
    CachedDecoding last = last();
    if (last == null || !last.absorbs()) {
      closeWaiting();
      groups.add(starter.apply(started));
      return;
    }
    for (int i = 0; i < started.length; ) {
      if (waiting == null || waitingInputs[nextWaiting] != started[i]) start(started, i, ahead);
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

  @Override
  public boolean joinersShareCache() {
    CachedDecoding last = last();
    return last == null || last.absorbs();
  }

  private CachedDecoding last() {
    return groups.isEmpty() ? null : groups.get(groups.size() - 1);
  }

  /** Starts {@code started} from {@code from} on, and the inputs {@code ahead} to wait. */
  private void start(int[] started, int from, int[] ahead) {
    closeWaiting();
    waitingInputs = new int[started.length - from + ahead.length];
    System.arraycopy(started, from, waitingInputs, 0, started.length - from);
    System.arraycopy(ahead, 0, waitingInputs, started.length - from, ahead.length);
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
