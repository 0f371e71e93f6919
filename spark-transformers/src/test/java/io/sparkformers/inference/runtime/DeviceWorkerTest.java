package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.ForwardingSession;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.OnnxRuntimeEngine;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device worker's merging of tensors ({@link TensorMerge}) on CPU (it does not care where the
 * session runs): each test holds the worker in a first forward pass, queues requests behind it from
 * concurrent threads, releases it and checks what was merged and what every caller got back against
 * the request run alone. The worker itself (waiting, queue, retries, memory) is {@link CoalescingWorkerTest}.
 */
class DeviceWorkerTest {
  private static final int VOCAB = 217; // the fixtures' config.json
  /** logits [batch, labels]. */
  private static ModelSession classifier;
  /** logits [batch, sequence, labels]: an output on the padded axis. */
  private static ModelSession tagger;
  private DeviceWorkerSession worker;

  @BeforeAll
  static void openFixtures() {
    classifier = OnnxRuntimeEngine.INSTANCE.open(
        Fixtures.model("text-classification-bert").resolve("onnx/model.onnx"), Device.CPU, EngineOptions.defaults(1));
    tagger = OnnxRuntimeEngine.INSTANCE.open(
        Fixtures.model("token-classification-bert").resolve("onnx/model.onnx"), Device.CPU, EngineOptions.defaults(1));
  }

  @AfterAll
  static void closeFixtures() {
    classifier.close();
    tagger.close();
  }

  @AfterEach
  void stop() {
    if (worker != null) worker.close(); // and the paused session, which leaves the fixtures open
  }

  @Test
  void concurrentSmallBatchesMergeIntoOneForwardPassWithTheirOwnOutputs() throws Exception {
    List<Map<String, Tensor>> requests = List.of(
        text(1, 8, 1), text(2, 8, 2), text(3, 8, 3), text(1, 8, 4), text(2, 8, 5), text(3, 8, 6));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(classifier, 0, requests);

    assertEachAsAlone(classifier, requests, results);
    CoalescingWorker.Stats stats = worker.stats();
    assertEquals(2, stats.batches(), "the paused first request, then all six at once");
    assertEquals(1, stats.mergedBatches());
    assertEquals(12, stats.largestBatchRows(), "1+2+3+1+2+3 rows, more than any request's 3");
  }

  @Test
  void sequencesOfDifferentLengthsMergePaddedAndEachCallerGetsItsOwnLengthBack() throws Exception {
    List<Map<String, Tensor>> requests = List.of(text(2, 6, 1), text(1, 9, 2), text(3, 4, 3), text(2, 9, 4));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(tagger, 64, requests);

    assertEachAsAlone(tagger, requests, results);
    assertEquals(List.of(2, 6), Arrays.stream(results.get(0).get().get("logits").shape()).mapToInt(d -> (int) d)
        .boxed().toList().subList(0, 2), "the first caller's logits have its 2 rows and 6 positions, not 9");
    assertEquals(1, worker.stats().mergedBatches(), "all four, padded to 9: 2x3 + 3x5 = 21 pad cells");
    assertEquals(8, worker.stats().largestBatchRows());
  }

  @Test
  void aMergeAddsNoMorePaddingThanTheBudget() throws Exception {
    // length 6 joins length 9 for 2x3 = 6 pad cells; the 3 rows of length 4 would add 15 more
    List<Map<String, Tensor>> requests = List.of(text(2, 6, 1), text(1, 9, 2), text(3, 4, 3), text(2, 9, 4));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(tagger, 10, requests);

    assertEachAsAlone(tagger, requests, results);
    CoalescingWorker.Stats stats = worker.stats();
    assertEquals(3, stats.batches(), "the first; lengths 6, 9 and 9 (5 rows); length 4 (3 rows)");
    assertEquals(5, stats.largestBatchRows());
  }

  @Test
  void withoutABudgetOnlySequencesOfOneLengthMerge() throws Exception {
    List<Map<String, Tensor>> requests = List.of(text(2, 6, 1), text(1, 9, 2), text(3, 6, 3), text(2, 9, 4));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(classifier, 0, requests);

    assertEachAsAlone(classifier, requests, results);
    CoalescingWorker.Stats stats = worker.stats();
    assertEquals(3, stats.batches(), "the first, then length 6 (2+3 rows) and length 9 (1+2 rows)");
    assertEquals(2, stats.mergedBatches());
    assertEquals(5, stats.largestBatchRows());
  }

  @Test
  void tensorsThatDeclareNoPaddingNeverMergeAcrossLengths() throws Exception {
    List<Map<String, Tensor>> requests = List.of(unpadded(text(2, 6, 1)), unpadded(text(1, 9, 2)),
        unpadded(text(3, 6, 3)));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(tagger, 1_000, requests);

    assertEachAsAlone(tagger, requests, results);
    assertEquals(3, worker.stats().batches(), "the first, then length 6 (2+3 rows), then length 9 alone");
  }

  @Test
  void aFailingRequestFailsOnlyItsCaller() throws Exception {
    Map<String, Tensor> outOfVocabulary = text(1, 8, 2);
    outOfVocabulary.put("input_ids", Tensor.longs(new long[] {101, 5, 6, 10_000, 7, 8, 9, 102}, 1, 8).paddedWith(0));
    Map<String, Tensor> misnamed = text(2, 8, 3);
    misnamed.put("input_idz", misnamed.remove("input_ids"));
    List<Map<String, Tensor>> requests = List.of(text(2, 8, 1), outOfVocabulary, misnamed, text(3, 8, 4));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(classifier, 0, requests);

    assertSameOutputs(classifier.run(requests.get(0)), results.get(0).get(10, TimeUnit.SECONDS));
    assertSameOutputs(classifier.run(requests.get(3)), results.get(3).get(10, TimeUnit.SECONDS));
    for (int bad : new int[] {1, 2}) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> results.get(bad).get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause(), "ONNX Runtime's own error: " + e.getCause());
    }
    assertEquals(3, worker.stats().requestsRunAlone(), "the merge of the 2-, 1- and 3-row requests, retried one by one");
  }

  @Test
  void anInputWhoseGraphFixesDimZeroIsNeverMerged() throws Exception {
    DoublingSession doubling = new DoublingSession();
    Map<String, Tensor> flagged = Map.of("x", xs(2), "flag", Tensor.bools(new boolean[] {true}, 1));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(doubling, 0, List.of(flagged, flagged, flagged));

    for (FutureTask<Map<String, Tensor>> r : results) assertArrayEquals(new float[] {0, 2, 4, 6}, r.get().get("y").floats());
    assertEquals(List.of(2, 2, 2, 2), doubling.batches(), "flag is [1] in the graph, as use_cache_branch is");
  }

  @Test
  void anOutputWithoutTheBatchAxisIsNotCutTheRequestsRunAlone() throws Exception {
    DoublingSession doubling = new DoublingSession();
    List<Map<String, Tensor>> requests = List.of(Map.of("x", xs(2)), Map.of("x", xs(3)));

    List<FutureTask<Map<String, Tensor>>> results = queueBehindFirstForward(doubling, 0, requests);

    assertArrayEquals(new long[] {2}, results.get(0).get().get("rows").longs());
    assertArrayEquals(new long[] {3}, results.get(1).get().get("rows").longs());
    assertEquals(List.of(2, 5, 2, 3), doubling.batches(), "the first; merged, whose rows [1] cannot be cut; then alone");
  }

  /**
   * Starts a worker on {@code session}, holds it in the forward pass of a first request (a copy of
   * the first of {@code requests}), then runs {@code requests} through it from one thread each, in
   * order, each queued before the next starts, and releases it once all of them are queued.
   */
  private List<FutureTask<Map<String, Tensor>>> queueBehindFirstForward(
      ModelSession session, long paddingBudget, List<Map<String, Tensor>> requests) throws Exception {
    PausedSession paused = new PausedSession(open(session));
    worker = DeviceWorkerSession.start(paused, "test",
        new CoalescingWorker.Settings(64, 256, DeviceWorkerMode.SETTINGS.maxWait(), 1), paddingBudget,
        new DeviceLoad("test", System::nanoTime));
    FutureTask<Map<String, Tensor>> first = running(requests.get(0));
    paused.awaitForward();
    List<FutureTask<Map<String, Tensor>>> results = new ArrayList<>();
    for (Map<String, Tensor> r : requests) results.add(running(r));
    paused.release();
    first.get(10, TimeUnit.SECONDS);
    return results;
  }

  /** {@code inputs} run through the worker on a thread of its own, returned once that thread waits for its outputs. */
  private FutureTask<Map<String, Tensor>> running(Map<String, Tensor> inputs) throws InterruptedException {
    FutureTask<Map<String, Tensor>> call = new FutureTask<>(() -> worker.run(inputs));
    Thread caller = new Thread(call);
    caller.start();
    while (caller.getState() != Thread.State.WAITING && !call.isDone()) Thread.sleep(1);
    return call;
  }

  /** {@code session} with a close() that leaves it open, for the next test. */
  private static ModelSession open(ModelSession session) {
    return new ForwardingSession(session) {
      @Override
      public Map<String, Tensor> run(Map<String, Tensor> inputs, String... outputs) {
        return session.run(inputs, outputs);
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Seeded token ids in the fixtures' vocabulary, as a tokenizer's batch padded to its longest: row
   * lengths between 2 and {@code length}, the last row the longest; pad id 0, mask and types 0 after.
   */
  private static Map<String, Tensor> text(int rows, int length, long seed) {
    Random random = new Random(seed);
    long[] ids = new long[rows * length];
    long[] mask = new long[ids.length];
    long[] types = new long[ids.length];
    for (int r = 0; r < rows; r++) {
      int own = r == rows - 1 ? length : 2 + random.nextInt(length - 1);
      for (int i = 0; i < own; i++) {
        ids[r * length + i] = 1 + random.nextInt(VOCAB - 1);
        mask[r * length + i] = 1;
        types[r * length + i] = i < own / 2 ? 0 : 1;
      }
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", Tensor.longs(ids, rows, length).paddedWith(0));
    inputs.put("attention_mask", Tensor.longs(mask, rows, length).paddedWith(0));
    inputs.put("token_type_ids", Tensor.longs(types, rows, length).paddedWith(0));
    return inputs;
  }

  /** The same tensors, declaring no padding. */
  private static Map<String, Tensor> unpadded(Map<String, Tensor> inputs) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    inputs.forEach((name, t) -> out.put(name, Tensor.longs(t.longs(), t.shape())));
    return out;
  }

  /** x = [[0, 1], [2, 3], ...] of {@code rows} rows. */
  private static Tensor xs(int rows) {
    float[] x = new float[rows * 2];
    for (int i = 0; i < x.length; i++) x[i] = i;
    return Tensor.floats(x, rows, 2);
  }

  private static void assertEachAsAlone(ModelSession session, List<Map<String, Tensor>> requests,
      List<FutureTask<Map<String, Tensor>>> results) throws Exception {
    for (int i = 0; i < requests.size(); i++) {
      assertSameOutputs(session.run(requests.get(i)), results.get(i).get(10, TimeUnit.SECONDS));
    }
  }

  /** Every output, whole: same names, shapes and values within 1e-5. */
  private static void assertSameOutputs(Map<String, Tensor> alone, Map<String, Tensor> viaWorker) {
    assertEquals(alone.keySet(), viaWorker.keySet());
    for (String name : alone.keySet()) {
      Tensor expected = alone.get(name);
      Tensor actual = viaWorker.get(name);
      assertArrayEquals(expected.shape(), actual.shape(), name);
      assertArrayEquals(expected.floats(), actual.floats(), 1e-5f, name);
    }
  }
}
