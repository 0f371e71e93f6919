package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.OnnxRuntimeEngine;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.testing.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device worker on CPU (it does not care where the session runs): each test holds the worker
 * in a first forward pass, queues requests behind it from concurrent threads, releases it and
 * checks what was merged and what every caller got back against the request run alone.
 */
class DeviceWorkerTest {
  private static final int VOCAB = 217; // the fixture's config.json
  private static ModelSession bert;
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private DeviceWorker worker;

  @BeforeAll
  static void openFixture() {
    bert = OnnxRuntimeEngine.INSTANCE.open(
        Fixtures.model("text-classification-bert").resolve("onnx/model.onnx"), Device.CPU, EngineOptions.defaults(1));
  }

  @AfterAll
  static void closeFixture() {
    bert.close();
  }

  @AfterEach
  void stop() {
    if (worker != null) worker.close();
    callers.shutdownNow();
  }

  @Test
  void concurrentSmallBatchesMergeIntoOneForwardPassWithTheirOwnOutputs() throws Exception {
    List<Map<String, Tensor>> requests = List.of(
        text(1, 8, 1), text(2, 8, 2), text(3, 8, 3), text(1, 8, 4), text(2, 8, 5), text(3, 8, 6));

    List<CompletableFuture<Map<String, Tensor>>> results = queueBehindFirstForward(bert, 64, requests);

    for (int i = 0; i < requests.size(); i++) assertSameLogits(bert.run(requests.get(i)), results.get(i).get(10, TimeUnit.SECONDS));
    DeviceWorker.Stats stats = worker.stats();
    assertEquals(2, stats.forwards(), "the paused first request, then all six at once");
    assertEquals(1, stats.mergedForwards());
    assertEquals(12, stats.maxRowsPerForward(), "1+2+3+1+2+3 rows, more than any request's 3");
  }

  @Test
  void requestsOfDifferentSequenceLengthsRunInSeparateMerges() throws Exception {
    List<Map<String, Tensor>> requests = List.of(text(2, 6, 1), text(1, 9, 2), text(3, 6, 3), text(2, 9, 4));

    List<CompletableFuture<Map<String, Tensor>>> results = queueBehindFirstForward(bert, 64, requests);

    for (int i = 0; i < requests.size(); i++) assertSameLogits(bert.run(requests.get(i)), results.get(i).get(10, TimeUnit.SECONDS));
    DeviceWorker.Stats stats = worker.stats();
    assertEquals(3, stats.forwards(), "the first, then length 6 (2+3 rows) and length 9 (1+2 rows)");
    assertEquals(2, stats.mergedForwards());
    assertEquals(5, stats.maxRowsPerForward());
  }

  @Test
  void aFailingRequestFailsOnlyItsCaller() throws Exception {
    Map<String, Tensor> outOfVocabulary = text(1, 8, 2);
    outOfVocabulary.put("input_ids", Tensor.longs(new long[] {101, 5, 6, 10_000, 7, 8, 9, 102}, 1, 8));
    Map<String, Tensor> misnamed = text(2, 8, 3);
    misnamed.put("input_idz", misnamed.remove("input_ids"));
    List<Map<String, Tensor>> requests = List.of(text(2, 8, 1), outOfVocabulary, misnamed, text(3, 8, 4));

    List<CompletableFuture<Map<String, Tensor>>> results = queueBehindFirstForward(bert, 64, requests);

    assertSameLogits(bert.run(requests.get(0)), results.get(0).get(10, TimeUnit.SECONDS));
    assertSameLogits(bert.run(requests.get(3)), results.get(3).get(10, TimeUnit.SECONDS));
    for (int bad : new int[] {1, 2}) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> results.get(bad).get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause(), "ONNX Runtime's own error: " + e.getCause());
    }
    assertEquals(3, worker.stats().requestsRunAlone(), "the merge of the 2-, 1- and 3-row requests, retried one by one");
  }

  @Test
  void aFullQueueBlocksTheSubmitterUntilTheWorkerDrainsIt() throws Exception {
    PausedSession paused = new PausedSession(bert);
    worker = DeviceWorker.start(paused, "test", settings(2));
    CompletableFuture<Map<String, Tensor>> first = worker.submit(text(1, 8, 0));
    paused.awaitForward();
    CompletableFuture<Map<String, Tensor>> second = worker.submit(text(1, 8, 1));
    CompletableFuture<Map<String, Tensor>> third = worker.submit(text(1, 8, 2));
    AtomicReference<Thread> submitter = new AtomicReference<>();
    Future<CompletableFuture<Map<String, Tensor>>> fourth = callers.submit(() -> {
      submitter.set(Thread.currentThread());
      return worker.submit(text(1, 8, 3));
    });

    while (submitter.get() == null || submitter.get().getState() != Thread.State.WAITING) Thread.sleep(1);
    assertFalse(fourth.isDone(), "two requests wait in a queue of two: the third submitter waits for room");
    paused.release();

    assertSameLogits(bert.run(text(1, 8, 3)), fourth.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
    for (CompletableFuture<Map<String, Tensor>> r : List.of(first, second, third)) assertTrue(r.get(10, TimeUnit.SECONDS).containsKey("logits"));
  }

  @Test
  void anInputWhoseGraphFixesDimZeroIsNeverMerged() throws Exception {
    DoublingSession doubling = new DoublingSession();
    Map<String, Tensor> flagged = Map.of("x", xs(2), "flag", Tensor.bools(new boolean[] {true}, 1));

    List<CompletableFuture<Map<String, Tensor>>> results = queueBehindFirstForward(doubling, 8, List.of(flagged, flagged, flagged));

    for (CompletableFuture<Map<String, Tensor>> r : results) assertArrayEquals(new float[] {0, 2, 4, 6}, r.get().get("y").floats());
    assertEquals(List.of(2, 2, 2, 2), doubling.batches(), "flag is [1] in the graph, as use_cache_branch is");
  }

  @Test
  void anOutputWithoutTheBatchAxisIsNotCutTheRequestsRunAlone() throws Exception {
    DoublingSession doubling = new DoublingSession();
    List<Map<String, Tensor>> requests = List.of(Map.of("x", xs(2)), Map.of("x", xs(3)));

    List<CompletableFuture<Map<String, Tensor>>> results = queueBehindFirstForward(doubling, 8, requests);

    assertArrayEquals(new long[] {2}, results.get(0).get().get("rows").longs());
    assertArrayEquals(new long[] {3}, results.get(1).get().get("rows").longs());
    assertEquals(List.of(2, 5, 2, 3), doubling.batches(), "the first; merged, whose rows [1] cannot be cut; then alone");
  }

  @Test
  void closingLetsTheRunningForwardFinishAndFailsTheWaitingRequests() throws Exception {
    PausedSession paused = new PausedSession(new DoublingSession());
    worker = DeviceWorker.start(paused, "test", settings(8));
    CompletableFuture<Map<String, Tensor>> running = worker.submit(Map.of("x", xs(1)));
    paused.awaitForward();
    CompletableFuture<Map<String, Tensor>> waiting = worker.submit(Map.of("x", xs(1)));

    AtomicReference<Thread> closer = new AtomicReference<>();
    Future<?> closing = callers.submit(() -> {
      closer.set(Thread.currentThread());
      worker.close();
    });
    while (closer.get() == null || closer.get().getState() != Thread.State.WAITING) Thread.sleep(1);
    paused.release(); // close() now waits for this forward pass
    closing.get(10, TimeUnit.SECONDS);

    assertArrayEquals(new float[] {0, 2}, running.get().get("y").floats());
    ExecutionException e = assertThrows(ExecutionException.class, waiting::get);
    assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    assertThrows(IllegalStateException.class, () -> worker.submit(Map.of("x", xs(1))));
  }

  /**
   * Starts a worker on {@code session}, holds it in the forward pass of a first request (a copy of
   * the first of {@code requests}), submits {@code requests} from one thread each, and releases it
   * once all of them are queued.
   */
  private List<CompletableFuture<Map<String, Tensor>>> queueBehindFirstForward(
      ModelSession session, int capacity, List<Map<String, Tensor>> requests) throws Exception {
    PausedSession paused = new PausedSession(session);
    worker = DeviceWorker.start(paused, "test", settings(capacity));
    CompletableFuture<Map<String, Tensor>> first = worker.submit(requests.get(0));
    paused.awaitForward();
    List<Future<CompletableFuture<Map<String, Tensor>>>> submitted = new ArrayList<>();
    for (Map<String, Tensor> r : requests) submitted.add(callers.submit(() -> worker.submit(r)));
    List<CompletableFuture<Map<String, Tensor>>> results = new ArrayList<>();
    for (Future<CompletableFuture<Map<String, Tensor>>> s : submitted) results.add(s.get(10, TimeUnit.SECONDS));
    paused.release();
    first.get(10, TimeUnit.SECONDS);
    return results;
  }

  private static DeviceWorker.Settings settings(int capacity) {
    return new DeviceWorker.Settings(capacity, 256, Duration.ofMillis(2));
  }

  /** Seeded token ids in the fixture's vocabulary, as a tokenizer's batch of one length. */
  private static Map<String, Tensor> text(int rows, int length, long seed) {
    Random random = new Random(seed);
    long[] ids = new long[rows * length];
    for (int i = 0; i < ids.length; i++) ids[i] = random.nextInt(VOCAB);
    long[] ones = new long[ids.length];
    Arrays.fill(ones, 1);
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", Tensor.longs(ids, rows, length));
    inputs.put("attention_mask", Tensor.longs(ones, rows, length));
    inputs.put("token_type_ids", Tensor.longs(new long[ids.length], rows, length));
    return inputs;
  }

  /** x = [[0, 1], [2, 3], ...] of {@code rows} rows. */
  private static Tensor xs(int rows) {
    float[] x = new float[rows * 2];
    for (int i = 0; i < x.length; i++) x[i] = i;
    return Tensor.floats(x, rows, 2);
  }

  private static void assertSameLogits(Map<String, Tensor> alone, Map<String, Tensor> viaWorker) {
    Tensor expected = alone.get("logits");
    Tensor actual = viaWorker.get("logits");
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.floats(), actual.floats(), 1e-5f);
  }
}
