package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The rows decoding at once, as groups that share a cache: inputs that join are started together
 * (their prompts' first step) and taken into the last group when the model allows, else decode as
 * a group of their own, one run per group per step. Rows are numbered group after group.
 */
final class ContinuousDecoding implements Decoding {
  private final Function<int[], CachedDecoding> starter;
  private final List<CachedDecoding> groups = new ArrayList<>();

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
  public void join(int[] inputs) {
    if (inputs.length == 0) return;
    CachedDecoding joining = starter.apply(inputs);
    if (groups.isEmpty() || !groups.get(groups.size() - 1).absorb(joining)) groups.add(joining);
  }

  @Override
  public void close() {
    groups.forEach(CachedDecoding::close);
    groups.clear();
  }
}
