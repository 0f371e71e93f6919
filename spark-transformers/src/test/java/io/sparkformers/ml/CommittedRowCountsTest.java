package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.ml.CommittedRowCounts.Fate;
import io.sparkformers.ml.CommittedRowCounts.Tally;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The merge rule the driver applies to task updates, outside Spark: what a retried, re-run or
 * speculative second successful attempt of a partition sends replaces the first,.
 */
class CommittedRowCountsTest {
  /** One task's accumulator copy: outside a task every row goes to the same key, as in one partition. */
  private static CommittedRowCounts attempt(int good, int bad) {
    CommittedRowCounts task = new CommittedRowCounts();
    for (int i = 0; i < good; i++) task.add(Fate.OUT);
    for (int i = 0; i < bad; i++) task.add(Fate.KEPT_FAILED, "bad " + i);
    return task;
  }

  @Test
  void aSecondSuccessfulAttemptOfAPartitionReplacesTheFirst() {
    CommittedRowCounts driver = new CommittedRowCounts();
    driver.merge(attempt(5, 2));
    driver.merge(attempt(5, 2));
    Tally total = driver.total();
    assertEquals(List.of(7L, 7L, 2L, 0L), List.of(total.in(), total.out(), total.failed(), total.skipped()));
  }

  @Test
  void aTallyKeepsItsFirstReasons() {
    CommittedRowCounts driver = new CommittedRowCounts();
    driver.merge(attempt(1, 5));
    assertEquals(List.of("bad 0", "bad 1", "bad 2"), driver.total().reasons());
    assertEquals(5, driver.total().failed());
  }
}
