package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls from several threads coalesce into batches, and each caller gets its own outcome: the
 * worker the SQL functions and the device worker share. Requests here are numbers, each of
 * {@link #rows} rows; the device worker's tensors are in {@link DeviceWorkerTest}.
 */
class CoalescingWorkerTest {
  private static final Duration PATIENT = Duration.ofSeconds(30);

  /** Doubles each input, taking a while, as a forward pass does, so callers pile up meanwhile. */
  private static final Function<List<Integer>, List<Integer>> SLOW_DOUBLE = inputs -> {
    sleep(2);
    return inputs.stream().map(x -> 2 * x).toList();
  };

  /** One worker thread (the SQL functions), and two and four (the device worker's), collecting batches in turn. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void concurrentCallersShareBatchesAndEachGetsItsOwnOutput(int workerThreads) throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    Function<List<Integer>, List<Integer>> recording = inputs -> {
      sizes.add(inputs.size());
      return SLOW_DOUBLE.apply(inputs);
    };
    int threads = 8;
    int callsEach = 25;
    try (var batcher = CoalescingWorker.start("test-share",
        settings(4, Duration.ofMillis(5)).withThreads(workerThreads), rowsOf(recording))) {
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
      assertEquals(threads * callsEach, batcher.stats().requests());
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
    try (var batcher = CoalescingWorker.start("test-poison", settings(4, PATIENT), rowsOf(poisoned))) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      Map<Integer, Future<Integer>> calls = new java.util.LinkedHashMap<>();
      for (int input : List.of(1, 2, -3, 4)) calls.put(input, pool.submit(() -> batcher.call(input)));
      assertEquals(2, calls.get(1).get());
      assertEquals(4, calls.get(2).get());
      assertEquals(8, calls.get(4).get());
      var failed = assertThrows(ExecutionException.class, () -> calls.get(-3).get());
      assertEquals("bad row -3", failed.getCause().getMessage());
      pool.shutdown();
      assertEquals(4, batcher.stats().requestsRunAlone(), "the failed batch ran again a call at a time");
    }
  }

  @Test
  void aLoneCallWaitsForCompanyNoLongerThanMaxWait() throws Exception {
    try (var batcher = CoalescingWorker.start("test-wait", settings(32, Duration.ofMillis(200)), rowsOf(SLOW_DOUBLE))) {
      long started = System.nanoTime();
      assertEquals(14, batcher.call(7));
      long waitedMs = (System.nanoTime() - started) / 1_000_000;
      assertTrue(waitedMs >= 190, "waited " + waitedMs + " ms for other calls");
      assertTrue(waitedMs < 1_000, "waited " + waitedMs + " ms, far over maxWait");
    }
  }

  @Test
  void withoutMaxWaitAnIdleWorkerStartsAQueuedRequestAtOnceAndMergesOnlyWhatWaits() {
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    Function<List<Integer>, List<Integer>> recording = inputs -> {
      batches.add(List.copyOf(inputs));
      if (inputs.contains(0)) awaitUninterruptibly(release);
      return inputs.stream().map(x -> 2 * x).toList();
    };
    // the device worker's way: room for 256 rows, yet no pass waits for them
    try (var worker = CoalescingWorker.start("test-idle", settings(256, Duration.ZERO), rowsOf(recording))) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        var first = worker.submit(0);
        while (batches.isEmpty()) sleep(1); // alone: a worker waiting for company would hold it back
        var second = worker.submit(1);
        var third = worker.submit(2);
        release.countDown();
        assertEquals(List.of(0, 2, 4), List.of(first.get(), second.get(), third.get()));
        assertEquals(6, worker.call(3), "the worker is idle again: a lone request runs at once");
      });
      assertEquals(List.of(List.of(0), List.of(1, 2), List.of(3)), batches,
          "each pass took what waited when it started: the two queued behind the first, merged");
    }
  }

  @Test
  void ofTheRequestsWaitingABatchTakesThoseThatPadLeast() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    // each request is a text batch of one row of that many tokens; a merge pads them to its longest
    CoalescingWorker.Batching<Integer, Integer> lengths = oneRowSized(
        requests -> (long) requests.size() * Collections.max(requests),
        requests -> {
          batches.add(requests);
          if (requests.contains(0)) awaitUninterruptibly(release);
          return requests;
        });
    try (var worker = CoalescingWorker.start("test-nearest", settings(3, Duration.ZERO), lengths)) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        var first = worker.submit(0);
        while (batches.isEmpty()) sleep(1);
        List<Integer> waiting = List.of(10, 50, 11, 49, 12, 48);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int length : waiting) results.add(worker.submit(length));
        release.countDown();
        assertEquals(0, first.get());
        for (int i = 0; i < waiting.size(); i++) assertEquals(waiting.get(i), results.get(i).get());
      });
      assertEquals(List.of(List.of(0), List.of(10, 11, 12), List.of(50, 49, 48)), batches,
          "the oldest waiting starts each batch, with the nearest lengths (in arrival order, 10, 50 and 11 would pad to 50)");
    }
  }

  @Test
  void withTwoThreadsTheNextBatchIsTakenAndRunWhileTheFirstIsStillRunning() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    try (var worker = CoalescingWorker.start("test-two", settings(256, Duration.ZERO).withThreads(2),
        rowsOf(heldWhileRunning(0, release, ran)))) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        var first = worker.submit(0);
        while (!ran.contains(0)) sleep(1);
        var second = worker.submit(1);
        var third = worker.submit(2);
        assertEquals(List.of(2, 4), List.of(second.get(), third.get()),
            "the second thread ran what came while the first thread's batch was held");
        assertFalse(first.isDone());
        release.countDown();
        assertEquals(0, first.get());
      });
    }
  }

  @Test
  void oneThreadRunsOneBatchAtATime() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    try (var worker = CoalescingWorker.start("test-one", settings(256, Duration.ZERO),
        rowsOf(heldWhileRunning(0, release, ran)))) {
      var first = worker.submit(0);
      while (!ran.contains(0)) sleep(1);
      var second = worker.submit(1);
      sleep(50);
      assertEquals(List.of(0), ran, "the request behind the held batch has not started");
      release.countDown();
      assertEquals(List.of(0, 2), List.of(first.get(), second.get()));
    }
  }

  @Test
  void aFullBatchRunsAtOnceWithoutWaitingOutMaxWait() {
    try (var batcher = CoalescingWorker.start("test-full", settings(3, PATIENT), rowsOf(SLOW_DOUBLE))) {
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
      assertEquals(3, batcher.stats().largestBatchRows());
    }
  }

  @Test
  void fewerCallersThanMaxBatchKeepGoing() {
    try (var batcher = CoalescingWorker.start("test-few", settings(64, Duration.ofMillis(5)), rowsOf(SLOW_DOUBLE))) {
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
      assertEquals(150, batcher.stats().requests());
    }
  }

  @Test
  void onceEveryJoinedCallerWaitsTheBatchRunsWithoutWaitingOutMaxWait() {
    try (var batcher = CoalescingWorker.start("test-joined", settings(64, PATIENT), rowsOf(SLOW_DOUBLE))) {
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
      assertEquals(61, batcher.stats().requests());
    }
  }

  @Test
  void withNoWaitACallerThatFindsTheWorkerIdleRunsItsCallItselfAndOtherwiseQueues() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    Map<Integer, String> ranOn = new ConcurrentHashMap<>();
    Function<List<Integer>, List<Integer>> batch = inputs -> {
      inputs.forEach(i -> ranOn.put(i, Thread.currentThread().getName()));
      return heldWhileRunning(1, release, ran).apply(inputs);
    };
    try (var worker = CoalescingWorker.start("test-idle", settings(64, Duration.ZERO), rowsOf(batch))) {
      assertEquals(0, worker.call(0));
      assertEquals(Thread.currentThread().getName(), ranOn.get(0), "idle: no hand-off to the worker's thread");
      FutureTask<Integer> first = calling(worker, 1);
      while (!ran.contains(1)) sleep(1);
      // the worker's one batch at a time is running, on the first caller's thread
      FutureTask<Integer> second = calling(worker, 2);
      FutureTask<Integer> third = calling(worker, 3);
      assertEquals(List.of(0, 1), ran, "the later calls wait while a batch runs");
      release.countDown();
      assertEquals(List.of(2, 4, 6), List.of(first.get(), second.get(), third.get()));
      assertEquals("sparkformers-worker test-idle", ranOn.get(2));
      assertEquals("sparkformers-worker test-idle", ranOn.get(3));
      CoalescingWorker.Stats stats = worker.stats();
      assertEquals(List.of(3L, 1L, 2L), List.of(stats.batches(), stats.mergedBatches(), stats.runByCaller()),
          "the two that waited merged: " + stats);
    }
  }

  @Test
  void withAWaitEveryCallGoesThroughTheWorker() throws Exception {
    Map<Integer, String> ranOn = new ConcurrentHashMap<>();
    try (var worker = CoalescingWorker.start("test-wait", settings(64, Duration.ofMillis(1)), rowsOf(inputs -> {
      inputs.forEach(i -> ranOn.put(i, Thread.currentThread().getName()));
      return SLOW_DOUBLE.apply(inputs);
    }))) {
      assertEquals(2, worker.call(1));
      assertEquals("sparkformers-worker test-wait", ranOn.get(1), "a wait is for company, which only the worker finds");
      assertEquals(0, worker.stats().runByCaller());
    }
  }

  @Test
  void aCallerThatGivesUpBlocksNoOneAndItsCallIsDropped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    try (var batcher = CoalescingWorker.start("test-dead", settings(1, Duration.ZERO), rowsOf(heldWhileRunning(1, release, ran)))) {
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
    var batcher = CoalescingWorker.start("test-close", settings(1, Duration.ZERO), rowsOf(heldWhileRunning(1, release, ran)));
    Thread worker = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("sparkformers-worker test-close")).findFirst().orElseThrow();
    assertTrue(worker.isDaemon(), "a batcher thread never keeps a JVM alive");
    var running = batcher.submit(1); // on the worker's thread, where a caller's call would run on its own
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

  @Test
  void aFullQueueBlocksTheSubmitterUntilTheWorkerDrainsIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    try (var worker = CoalescingWorker.start("test-queue", new CoalescingWorker.Settings(2, 64, Duration.ZERO, 1),
        rowsOf(heldWhileRunning(0, release, ran)))) {
      var first = worker.submit(0);
      while (!ran.contains(0)) sleep(1);
      var second = worker.submit(1);
      var third = worker.submit(2);
      FutureTask<java.util.concurrent.CompletableFuture<Integer>> fourth = new FutureTask<>(() -> worker.submit(3));
      Thread submitter = new Thread(fourth);
      submitter.start();
      awaitParked(submitter);
      assertFalse(fourth.isDone(), "two requests wait in a queue of two: the third submitter waits for room");
      release.countDown();

      assertEquals(6, fourth.get().get());
      assertEquals(List.of(0, 2, 4), List.of(first.get(), second.get(), third.get()));
    }
  }

  @Test
  void requestsThatDoNotMergeWithTheOldestWaitForALaterBatch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    Function<List<Integer>, List<Integer>> recording = inputs -> {
      batches.add(List.copyOf(inputs));
      if (inputs.contains(0)) awaitUninterruptibly(release);
      return SLOW_DOUBLE.apply(inputs);
    };
    // odd and even numbers do not merge, as tensors of different shapes
    CoalescingWorker.Batching<Integer, Integer> byParity = oneRowSized(
        requests -> requests.stream().map(x -> x % 2).distinct().count() == 1 ? requests.size() : -1, recording);
    try (var worker = CoalescingWorker.start("test-parity", settings(64, Duration.ofMillis(50)), byParity)) {
      var first = worker.submit(0);
      while (batches.isEmpty()) sleep(1);
      List<java.util.concurrent.CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 1; i <= 6; i++) results.add(worker.submit(i));
      release.countDown();

      assertEquals(0, first.get());
      for (int i = 1; i <= 6; i++) assertEquals(2 * i, results.get(i - 1).get(), "the output of request " + i);
      assertEquals(List.of(List.of(0), List.of(1, 3, 5), List.of(2, 4, 6)), batches);
    }
  }

  @Test
  void aBatchOutOfDeviceMemoryLowersTheCeilingAndNoLaterMergeGrowsAboveIt() throws Exception {
    // a round's first request (0, then 100) holds the worker while the round's others queue behind it
    Map<Integer, CountDownLatch> releases = Map.of(0, new CountDownLatch(1), 100, new CountDownLatch(1));
    List<Long> attempted = new CopyOnWriteArrayList<>();
    // each request is 3 rows; the device holds 10 rows, and fails above as ONNX Runtime's CUDA arena does
    CoalescingWorker.Batching<Integer, Integer> device = new CoalescingWorker.Batching<>() {
      @Override
      public int rows(Integer request) {
        return 3;
      }

      @Override
      public long size(List<Integer> requests) {
        return 3L * requests.size();
      }

      @Override
      public List<Integer> run(List<Integer> requests) {
        attempted.add(size(requests));
        releases.forEach((held, release) -> {
          if (requests.contains(held)) awaitUninterruptibly(release);
        });
        if (size(requests) > 10) {
          throw new IllegalStateException("ONNX Runtime run failed: Error code - ORT_RUNTIME_EXCEPTION - message:"
              + " Non-zero status code returned while running MatMul node. Status Message: BFCArena::AllocateRawInternal"
              + " Failed to allocate memory for requested buffer of size " + size(requests) * 1_000_000);
        }
        return SLOW_DOUBLE.apply(requests);
      }
    };
    try (var worker = CoalescingWorker.start("test-memory", settings(64, Duration.ofMillis(50)), device)) {
      for (int round = 0; round < 2; round++) {
        int base = round * 100;
        var first = worker.submit(base);
        while (attempted.size() < (round == 0 ? 1 : 8)) sleep(1);
        List<java.util.concurrent.CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 1; i <= 8; i++) results.add(worker.submit(base + i));
        releases.get(base).countDown();
        assertEquals(2 * base, first.get());
        for (int i = 1; i <= 8; i++) assertEquals(2 * (base + i), results.get(i - 1).get(), "request " + (base + i));
      }
      // 24 rows fail: the ceiling halves to 12, which fails too, then to 6 (two requests), which fits
      assertEquals(List.of(3L, 24L, 12L, 6L, 6L, 6L, 6L), attempted.subList(0, 7));
      assertEquals(List.of(3L, 6L, 6L, 6L, 6L), attempted.subList(7, attempted.size()),
          "the second round: the first request alone, then merges of at most 6 rows, none failing");
      assertEquals(2, worker.stats().memorySplits());
      assertEquals(6, worker.stats().sizeCeiling());
    }
  }

  private static CoalescingWorker.Settings settings(int maxRows, Duration maxWait) {
    return new CoalescingWorker.Settings(64, maxRows, maxWait, 1);
  }

  /** Requests of one row each, of the given merged size (negative: they do not merge), run by {@code batch}. */
  private static CoalescingWorker.Batching<Integer, Integer> oneRowSized(ToLongFunction<List<Integer>> size,
      Function<List<Integer>, List<Integer>> batch) {
    return new CoalescingWorker.Batching<>() {
      @Override
      public int rows(Integer request) {
        return 1;
      }

      @Override
      public long size(List<Integer> requests) {
        return size.applyAsLong(requests);
      }

      @Override
      public List<Integer> run(List<Integer> requests) {
        return batch.apply(requests);
      }
    };
  }

  /** Requests of one row each, run by {@code batch}. */
  private static CoalescingWorker.Batching<Integer, Integer> rowsOf(Function<List<Integer>, List<Integer>> batch) {
    return CoalescingWorker.Batching.oneRowEach(batch);
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
  private static FutureTask<Integer> calling(CoalescingWorker<Integer, Integer> batcher, int input) {
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
