package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which waiting inputs start when, and which a first step starts ahead of their turn. */
class AdmissionTest {
  /** New tokens allowed per input (their cache positions the same, prompts of 0 tokens). */
  private static final int[] NEW_TOKENS = {20, 90, 50, 90, 10, 70};

  /** Records what joins. */
  private static final class Joins implements Decoding {
    final boolean shareCache;
    final List<int[]> started = new ArrayList<>();
    final List<int[]> ahead = new ArrayList<>();

    Joins(boolean shareCache) {
      this.shareCache = shareCache;
    }

    @Override
    public void join(int[] inputs, int[] next) {
      started.add(inputs);
      ahead.add(next);
    }

    @Override
    public boolean joinersShareCache() {
      return shareCache;
    }

    @Override
    public int rows() {
      throw new UnsupportedOperationException();
    }

    @Override
    public float[] logits(int row) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void append(long[] tokens) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void keep(int[] rows) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  private static Admission admission(int atOnce, long maxCacheTokens, boolean continuous, Decoding decoding) {
    return admission(NEW_TOKENS, atOnce, maxCacheTokens, continuous, decoding);
  }

  private static Admission admission(int[] newTokens, int atOnce, long maxCacheTokens, boolean continuous,
      Decoding decoding) {
    return new Admission(newTokens, new GenerationPipeline.Batching(atOnce, maxCacheTokens, continuous), 1, decoding);
  }

  @Test
  void continuousBatchingStartsInTheOrderGivenAndFillsFreedPlacesStartingTheNextAhead() {
    Joins joins = new Joins(true);
    Admission admission = admission(4, 0, true, joins);
    assertArrayEquals(new int[] {0, 1, 2, 3}, admission.admit(List.of()));
    assertArrayEquals(new int[0], joins.ahead.get(0), "nothing decodes: no first step to share");
    assertArrayEquals(new int[0], admission.admit(List.of(0, 1, 2, 3)), "no place free");
    assertArrayEquals(new int[] {4}, admission.admit(List.of(1, 2, 3)));
    // half of 4 at once start in one first step: the next input waits to join in turn
    assertArrayEquals(new int[] {5}, joins.ahead.get(1));
    assertArrayEquals(new int[] {5}, admission.admit(List.of(1, 3, 4)));
    assertArrayEquals(new int[0], joins.ahead.get(2), "none waits any more");
    assertArrayEquals(new int[0], admission.admit(List.of()));
  }

  @Test
  void staticBatchingStartsInTheOrderGivenWhenNothingDecodes() {
    Joins joins = new Joins(true);
    Admission admission = admission(4, 0, false, joins);
    assertArrayEquals(new int[] {0, 1, 2, 3}, admission.admit(List.of()));
    assertArrayEquals(new int[0], admission.admit(List.of(1, 3)));
    assertArrayEquals(new int[] {4, 5}, admission.admit(List.of()));
    assertEquals(2, joins.started.size());
  }

  @Test
  void inputsThatDecodeApartJoinOnlyWhenHalfABatchCan() {
    Joins joins = new Joins(false);
    Admission admission = admission(4, 0, true, joins);
    assertArrayEquals(new int[] {0, 1, 2, 3}, admission.admit(List.of()));
    assertArrayEquals(new int[0], admission.admit(List.of(1, 2, 3)), "one place: waits for a second");
    assertArrayEquals(new int[] {4, 5}, admission.admit(List.of(1, 3)));
    assertArrayEquals(new int[0], joins.ahead.get(1), "none starts ahead: it could not join later");
  }

  @Test
  void theLastInputThatDecodesApartJoinsAlone() {
    Admission admission = admission(new int[] {50, 40, 30, 20, 10}, 4, 0, true, new Joins(false));
    assertArrayEquals(new int[] {0, 1, 2, 3}, admission.admit(List.of()));
    assertArrayEquals(new int[] {4}, admission.admit(List.of(0, 1, 2)), "no second one waits");
  }

  @Test
  void theCacheBudgetBoundsRowsTimesTheLongestTheyMayReach() {
    Joins joins = new Joins(true);
    // 3 rows whose longest may reach 90 fit in 300 positions, not 4
    Admission admission = admission(8, 300, true, joins);
    assertArrayEquals(new int[] {0, 1, 2}, admission.admit(List.of()));
    assertArrayEquals(new int[0], admission.admit(List.of(0, 1, 2)));
    assertArrayEquals(new int[] {3}, admission.admit(List.of(1, 2)));
  }
}
