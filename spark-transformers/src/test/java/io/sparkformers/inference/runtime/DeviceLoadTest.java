package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceLoadTest {
  private static final long MS = 1_000_000;

  private final AtomicLong now = new AtomicLong(5_000 * MS);
  private final DeviceLoad load = new DeviceLoad("test", now::get);

  private void at(long millis) {
    now.set(5_000 * MS + millis * MS);
  }

  /** A pass on the device from {@code from} to {@code to} ms. */
  private void pass(long from, long to) {
    at(from);
    load.started();
    at(to);
    load.ended();
  }

  @Test
  void notSaturatedBeforeAWholeSecondHasPassed() {
    pass(0, 900);
    assertFalse(load.saturated());
  }

  @Test
  void saturatedWhenPassesFilledMostOfTheLastSecond() {
    pass(0, 400);
    pass(420, 950);
    at(1_000);
    assertTrue(load.saturated(), "busy 0.93 of the second");
  }

  @Test
  void passesRunningAtOnceCountOnce() {
    at(0);
    load.started();
    at(100);
    load.started();
    at(500);
    load.ended();
    at(600);
    load.ended();
    at(1_000);
    assertFalse(load.saturated(), "busy 0.6 of the second, not 0.9");
  }

  @Test
  void aPassRunningAcrossSecondsCountsInEachUpToItsEnd() {
    pass(0, 50);
    at(100);
    load.started();
    at(1_000);
    assertTrue(load.saturated(), "busy 0.05 + 0.9 of the first second");
    at(2_000);
    assertTrue(load.saturated(), "busy all of the second");
    at(2_100);
    load.ended();
    at(3_000);
    assertFalse(load.saturated(), "busy 0.1 of the third");
  }

  @Test
  void followsTheLastSecondOnly() {
    pass(0, 1_000);
    assertTrue(load.saturated());
    pass(1_000, 1_300);
    at(2_000);
    assertFalse(load.saturated(), "busy 0.3 of the second second");
    pass(2_000, 2_950);
    assertFalse(load.saturated(), "the third second has not ended");
    at(3_000);
    assertTrue(load.saturated(), "busy 0.95 of the third second");
  }

  @Test
  void meteredBatchingCountsItsRunsAndForwardsTheRest() {
    CoalescingWorker.Batching<Integer, Integer> doubling = CoalescingWorker.Batching.oneRowEach(
        requests -> {
          now.addAndGet(950 * MS);
          return requests.stream().map(r -> 2 * r).toList();
        });
    CoalescingWorker.Batching<Integer, Integer> metered = load.metering(doubling);
    assertEquals(1, metered.rows(7));
    assertEquals(3, metered.size(List.of(1, 2, 3)));
    assertEquals(List.of(2, 4), metered.run(List.of(1, 2)));
    at(1_000);
    assertTrue(load.saturated(), "the run took 950 ms of the second");
  }
}
