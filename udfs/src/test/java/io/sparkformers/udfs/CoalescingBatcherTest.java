package io.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Calls from several threads coalesce into batches, and each caller gets its own outcome. */
class CoalescingBatcherTest {
  private static final Duration PATIENT = Duration.ofSeconds(30);

  /** Doubles each input, taking a while, as a forward pass does, so callers pile up meanwhile. */
  private static final Function<List<Integer>, List<Integer>> SLOW_DOUBLE = inputs -> {
    sleep(2);
    return inputs.stream().map(x -> 2 * x).toList();
  };

  @Test
  void concurrentCallersShareBatchesAndEachGetsItsOwnOutput() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    Function<List<Integer>, List<Integer>> recording = inputs -> {
      sizes.add(inputs.size());
      return SLOW_DOUBLE.apply(inputs);
    };
    int threads = 8;
    int callsEach = 25;
    try (var batcher = CoalescingBatcher.start("test-share", new CoalescingBatcher.Settings(4, Duration.ofMillis(5)), recording)) {
      Map<Integer, Integer> outputs = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        callers.add(pool.submit(() -> {
          for (int i = 0; i < callsEach; i++) {
            int input = thread * 1000 + i;
            outputs.put(input, batcher.call(input));
          }
          return null;
        }));
      }
      for (Future<?> f : callers) f.get();
      pool.shutdown();

      assertEquals(threads * callsEach, outputs.size());
      outputs.forEach((input, output) -> assertEquals(2 * input, output, "the output of input " + input));
      assertTrue(sizes.stream().anyMatch(n -> n > 1), "some batch coalesced several callers: " + sizes);
      assertTrue(sizes.stream().allMatch(n -> n <= 4), "no batch over maxBatch: " + sizes);
      assertEquals(threads * callsEach, batcher.stats().calls());
      assertEquals(sizes.size(), batcher.stats().batches());
    }
  }

  @Test
  void anExceptionInOneRowReachesOnlyItsCaller() throws Exception {
    // a batch holding -3 fails as a whole, as a poisoned row fails a forward pass
    Function<List<Integer>, List<Integer>> poisoned = inputs -> {
      inputs.stream().filter(x -> x < 0).findFirst().ifPresent(x -> {
        throw new IllegalArgumentException("bad row " + x);
      });
      return SLOW_DOUBLE.apply(inputs);
    };
    // maxBatch 4 and a long maxWait: the four calls below run as one batch
    try (var batcher = CoalescingBatcher.start("test-poison", new CoalescingBatcher.Settings(4, PATIENT), poisoned)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      Map<Integer, Future<Integer>> calls = new java.util.LinkedHashMap<>();
      for (int input : List.of(1, 2, -3, 4)) calls.put(input, pool.submit(() -> batcher.call(input)));
      assertEquals(2, calls.get(1).get());
      assertEquals(4, calls.get(2).get());
      assertEquals(8, calls.get(4).get());
      var failed = assertThrows(ExecutionException.class, () -> calls.get(-3).get());
      assertEquals("bad row -3", failed.getCause().getMessage());
      pool.shutdown();
      assertEquals(4, batcher.stats().callsRunAlone(), "the failed batch ran again a call at a time");
    }
  }

  @Test
  void aLoneCallWaitsForCompanyNoLongerThanMaxWait() throws Exception {
    try (var batcher = CoalescingBatcher.start("test-wait", new CoalescingBatcher.Settings(32, Duration.ofMillis(200)), SLOW_DOUBLE)) {
      long started = System.nanoTime();
      assertEquals(14, batcher.call(7));
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(waitedMs >= 190, "waited " + waitedMs + " ms for other calls");
      assertTrue(waitedMs < 1_000, "waited " + waitedMs + " ms, far over maxWait");
    }
  }

  @Test
  void aFullBatchRunsAtOnceWithoutWaitingOutMaxWait() {
    try (var batcher = CoalescingBatcher.start("test-full", new CoalescingBatcher.Settings(3, PATIENT), SLOW_DOUBLE)) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          int input = i;
          calls.add(pool.submit(() -> batcher.call(input)));
        }
        for (int i = 0; i < 3; i++) assertEquals(2 * i, calls.get(i).get());
        pool.shutdown();
      });
      assertEquals(3, batcher.stats().largestBatch());
    }
  }

  @Test
  void fewerCallersThanMaxBatchKeepGoing() {
    try (var batcher = CoalescingBatcher.start("test-few", new CoalescingBatcher.Settings(64, Duration.ofMillis(5)), SLOW_DOUBLE)) {
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          callers.add(pool.submit(() -> {
            for (int i = 0; i < 50; i++) assertEquals(2 * i, batcher.call(i));
            return null;
          }));
        }
        for (Future<?> f : callers) f.get();
        pool.shutdown();
      });
      assertEquals(150, batcher.stats().calls());
    }
  }

  @Test
  void onceEveryJoinedCallerWaitsTheBatchRunsWithoutWaitingOutMaxWait() {
    try (var batcher = CoalescingBatcher.start("test-joined", new CoalescingBatcher.Settings(64, PATIENT), SLOW_DOUBLE)) {
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) batcher.join();
        for (int t = 0; t < 3; t++) {
          callers.add(pool.submit(() -> {
            for (int i = 0; i < 20; i++) assertEquals(2 * i, batcher.call(i));
            return null;
          }));
        }
        for (Future<?> f : callers) f.get();
        pool.shutdown();
        for (int t = 0; t < 2; t++) batcher.leave();
        // the one caller left runs alone at once
        assertEquals(2, batcher.call(1));
      });
      assertEquals(61, batcher.stats().calls());
    }
  }

  @Test
  void aCallerThatGivesUpBlocksNoOneAndItsCallIsDropped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    try (var batcher = CoalescingBatcher.start("test-dead", new CoalescingBatcher.Settings(1, Duration.ZERO),
        heldWhileRunning(1, release, ran))) {
      FutureTask<Integer> first = calling(batcher, 1);
      while (!ran.contains(1)) sleep(1);
      // a task killed while its call waits behind the running batch
      Thread quitter = new Thread(() -> {
        try {
          batcher.call(2);
        } catch (InterruptedException expected) {
          // gave up
        }
      });
      quitter.start();
      awaitParked(quitter);
      quitter.interrupt();
      quitter.join();
      release.countDown();
      assertEquals(2, first.get());
      assertEquals(6, batcher.call(3));
      assertFalse(ran.contains(2), "the abandoned call was not run: " + ran);
    }
  }

  @Test
  void closeFailsWaitingCallsAndStopsItsDaemonThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    var batcher = CoalescingBatcher.start("test-close", new CoalescingBatcher.Settings(1, Duration.ZERO),
        heldWhileRunning(1, release, ran));
    Thread worker = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("sparkformers-batcher test-close")).findFirst().orElseThrow();
    assertTrue(worker.isDaemon(), "a batcher thread never keeps a JVM alive");
    FutureTask<Integer> running = calling(batcher, 1);
    while (!ran.contains(1)) sleep(1);
    FutureTask<Integer> waiting = calling(batcher, 2);
    Thread closer = new Thread(batcher::close);
    closer.start();
    awaitParked(closer); // in close(), joining the worker
    release.countDown();
    closer.join();

    assertEquals(2, running.get(), "the batch under way when close() came finishes");
    var failed = assertThrows(ExecutionException.class, waiting::get);
    assertTrue(failed.getCause().getMessage().contains("closed"), failed.getCause().getMessage());
    assertFalse(worker.isAlive());
    assertThrows(IllegalStateException.class, () -> batcher.call(3));
  }

  /** SLOW_DOUBLE, except that a batch holding {@code held} runs only once {@code release} opens. */
  private static Function<List<Integer>, List<Integer>> heldWhileRunning(int held, CountDownLatch release,
      List<Integer> ran) {
    return inputs -> {
      ran.addAll(inputs);
      if (inputs.contains(held)) awaitUninterruptibly(release);
      return SLOW_DOUBLE.apply(inputs);
    };
  }

  /** A call on its own thread, returned once that thread waits in the batcher. */
  private static FutureTask<Integer> calling(CoalescingBatcher<Integer, Integer> batcher, int input) {
    FutureTask<Integer> call = new FutureTask<>(() -> batcher.call(input));
    Thread t = new Thread(call);
    t.start();
    awaitParked(t);
    return call;
  }

  private static void awaitParked(Thread t) {
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) sleep(1);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
