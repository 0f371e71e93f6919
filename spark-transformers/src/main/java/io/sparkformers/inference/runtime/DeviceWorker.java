package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs the forward passes of one session on one device (DESIGN section 3):
 * task threads pre-process and hand it ready batches through a bounded queue, and it merges the
 * small ones that stack, so the GPU sees large batches while the task threads prepare their next
 * rows.
 *
 * <p>Requests merge when every graph input they feed has the batch as dim 0, the graph declares
 * that dim symbolic, and they agree on every other dim, on dtypes and on the outputs they want;
 * the merged outputs are cut back along dim 0. A merged batch that fails (out of device memory, one
 * poisoned request, an output without the batch axis) runs again a request at a time, so each
 * caller gets its own outputs or its own exception.
 */
final class DeviceWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceWorker.class);
  private static final long STATS_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  /**
   * @param queueCapacity requests waiting for the worker; a full queue blocks the submitting thread
   * @param maxMergedRows rows one merged forward pass may hold
   * @param maxWait how long the worker, holding a request, waits for more to merge with it
   */
  record Settings(int queueCapacity, int maxMergedRows, Duration maxWait) {
    Settings {
      if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1");
      if (maxMergedRows < 1) throw new IllegalArgumentException("maxMergedRows must be >= 1");
      if (maxWait.isNegative()) throw new IllegalArgumentException("maxWait must be >= 0");
    }

    /**
     * Four requests per core: a task waits for its own request and an executor runs at most a task
     * per core, so the queue fills only when more threads submit; 256 rows, eight default batches;
     * 2 ms, small beside a GPU forward pass.
     */
    static Settings defaults() {
      return new Settings(4 * Runtime.getRuntime().availableProcessors(), 256, Duration.ofMillis(2));
    }
  }

  /** Counters since the worker started; {@code requestsRunAlone} counts retries of failed merges. */
  record Stats(long forwards, long mergedForwards, long requests, long rows, int maxRowsPerForward,
      long requestsRunAlone) {}

  /** What requests must share to be stacked: the outputs they want, each input's dtype and row shape. */
  private record MergeKey(List<String> outputs, Map<String, RowLayout> inputs) {}

  private record RowLayout(Tensor.Type type, List<Long> rowShape) {}

  private static final class Request {
    final Map<String, Tensor> inputs;
    final String[] outputs;
    /** Null when the request runs alone. */
    final MergeKey key;
    final int rows;
    final CompletableFuture<Map<String, Tensor>> result = new CompletableFuture<>();

    Request(Map<String, Tensor> inputs, String[] outputs, MergeKey key, int rows) {
      this.inputs = inputs;
      this.outputs = outputs;
      this.key = key;
      this.rows = rows;
    }
  }

  private final ModelSession session;
  private final String name;
  private final Settings settings;
  /** Graph inputs whose dim 0 the graph leaves symbolic: the only ones that may be stacked. */
  private final Set<String> batchInputs = new LinkedHashSet<>();
  private final BlockingQueue<Request> queue;
  /** Requests taken from the queue that did not stack with the last merge; worker thread only. */
  private final Deque<Request> held = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean closed;

  private final AtomicLong forwards = new AtomicLong();
  private final AtomicLong mergedForwards = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicInteger maxRowsPerForward = new AtomicInteger();
  private final AtomicLong requestsRunAlone = new AtomicLong();
  private long statsLoggedAt = System.nanoTime();

  private DeviceWorker(ModelSession session, String name, Settings settings) {
    this.session = session;
    this.name = name;
    this.settings = settings;
    for (String input : session.inputNames()) {
      long[] shape = session.inputShape(input);
      if (shape.length > 0 && shape[0] < 0) batchInputs.add(input);
    }
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.thread = new Thread(this::serve, "sparkformers-device-worker " + name);
    thread.setDaemon(true);
  }

  /** A running worker for {@code session}; {@code name} (device and graph) labels its thread and logs. */
  static DeviceWorker start(ModelSession session, String name, Settings settings) {
    DeviceWorker worker = new DeviceWorker(session, name, settings);
    worker.thread.start();
    LOG.info("device worker for {} started: merges requests up to {} rows (batch axis of {}),"
            + " waiting at most {} ms for them; queue of {} requests",
        name, settings.maxMergedRows(), worker.batchInputs, settings.maxWait().toMillis(),
        settings.queueCapacity());
    return worker;
  }

  /**
   * Queues a forward pass; blocks while the queue is full.
   *
   * @return the requested outputs (all when none are named), or the exception of this request
   */
  CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> inputs, String... outputs)
      throws InterruptedException {
    if (closed) throw closedException();
    Request request = request(inputs, outputs);
    queue.put(request);
    // close() may have failed what was queued just before this put
    if (closed) request.result.completeExceptionally(closedException());
    return request.result;
  }

  Stats stats() {
    return new Stats(forwards.get(), mergedForwards.get(), requests.get(), rows.get(),
        maxRowsPerForward.get(), requestsRunAlone.get());
  }

  /** Stops the worker once its current forward pass is done; requests still waiting fail. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("device worker for {} stopped: {}", name, stats());
  }

  private Request request(Map<String, Tensor> inputs, String[] outputs) {
    Map<String, Tensor> fed = new TreeMap<>(inputs);
    fed.keySet().retainAll(session.inputNames()); // the engine ignores the others too
    int batch = fed.values().stream().filter(t -> t.shape().length > 0).findFirst().map(t -> t.dim(0)).orElse(1);
    return new Request(inputs, outputs, mergeKey(fed, batch, outputs), batch);
  }

  /** Null when the request cannot stack: an input without a symbolic batch axis of {@code batch} rows. */
  private MergeKey mergeKey(Map<String, Tensor> fed, int batch, String[] outputs) {
    if (fed.isEmpty()) return null;
    Map<String, RowLayout> layouts = new TreeMap<>();
    for (Map.Entry<String, Tensor> e : fed.entrySet()) {
      Tensor t = e.getValue();
      if (!batchInputs.contains(e.getKey()) || t.shape().length == 0 || t.dim(0) != batch) return null;
      layouts.put(e.getKey(), new RowLayout(t.type(), TensorRows.rowShape(t)));
    }
    return new MergeKey(List.of(outputs), layouts);
  }

  private void serve() {
    try {
      while (!closed) forward(nextMerge());
    } catch (InterruptedException e) {
      // close() stops the worker
    } finally {
      List<Request> waiting = new ArrayList<>(held);
      queue.drainTo(waiting);
      waiting.forEach(r -> r.result.completeExceptionally(closedException()));
    }
  }

  /** The oldest request and the waiting ones that stack with it, within the row limit. */
  private List<Request> nextMerge() throws InterruptedException {
    Request head = held.isEmpty() ? queue.take() : held.poll();
    List<Request> merge = new ArrayList<>(List.of(head));
    if (head.key == null) return merge;
    int merged = head.rows;
    for (Iterator<Request> it = held.iterator(); it.hasNext(); ) {
      Request r = it.next();
      if (head.key.equals(r.key) && merged + r.rows <= settings.maxMergedRows()) {
        merge.add(r);
        merged += r.rows;
        it.remove();
      }
    }
    long deadline = System.nanoTime() + settings.maxWait().toNanos();
    // held stays within one queue's worth, so requests taken but not run are bounded too
    while (merged < settings.maxMergedRows() && held.size() < settings.queueCapacity()) {
      Request r;
      try {
        r = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close(): run what was taken, then stop
        break;
      }
      if (r == null) break;
      if (head.key.equals(r.key) && merged + r.rows <= settings.maxMergedRows()) {
        merge.add(r);
        merged += r.rows;
      } else {
        held.add(r);
      }
    }
    return merge;
  }

  private void forward(List<Request> merge) {
    merge.removeIf(r -> r.result.isDone()); // callers that stopped waiting
    if (merge.size() == 1) {
      runAlone(merge.get(0));
    } else if (merge.size() > 1) {
      try {
        List<Map<String, Tensor>> outputs = runMerged(merge);
        for (int i = 0; i < merge.size(); i++) merge.get(i).result.complete(outputs.get(i));
      } catch (Throwable e) { // out of memory included: each request then meets its own fate
        LOG.warn("device worker for {}: a merged batch of {} requests failed, running them one at a"
            + " time: {}", name, merge.size(), e.toString());
        requestsRunAlone.addAndGet(merge.size());
        merge.forEach(this::runAlone);
      }
    }
  }

  private void runAlone(Request request) {
    try {
      Map<String, Tensor> outputs = session.run(request.inputs, request.outputs);
      count(1, request.rows);
      request.result.complete(outputs);
    } catch (Throwable e) { // the caller rethrows it; the worker carries on
      request.result.completeExceptionally(e);
    }
  }

  private List<Map<String, Tensor>> runMerged(List<Request> merge) {
    Map<String, Tensor> stacked = new LinkedHashMap<>();
    for (String input : merge.get(0).key.inputs().keySet()) {
      stacked.put(input, TensorRows.concat(merge.stream().map(r -> r.inputs.get(input)).toList()));
    }
    int total = merge.stream().mapToInt(r -> r.rows).sum();
    Map<String, Tensor> outputs = session.run(stacked, merge.get(0).outputs);
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      long[] shape = e.getValue().shape();
      if (shape.length == 0 || shape[0] != total) {
        throw new IllegalStateException("output " + e.getKey() + " " + Arrays.toString(shape)
            + " has no batch axis of " + total + " rows to cut back into requests");
      }
    }
    List<Map<String, Tensor>> split = new ArrayList<>(merge.size());
    int from = 0;
    for (Request r : merge) {
      Map<String, Tensor> own = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
        own.put(e.getKey(), TensorRows.slice(e.getValue(), from, from + r.rows));
      }
      split.add(own);
      from += r.rows;
    }
    count(merge.size(), total);
    return split;
  }

  /**
   * Counts a forward pass. Logs the totals after 1, 2, 4, 8 ... forward passes, so a short job shows
   * how much it merged, and at least once a minute while busy, as sessions live as long as the JVM.
   */
  private void count(int requestCount, int rowCount) {
    long n = forwards.incrementAndGet();
    if (requestCount > 1) mergedForwards.incrementAndGet();
    requests.addAndGet(requestCount);
    rows.addAndGet(rowCount);
    maxRowsPerForward.accumulateAndGet(rowCount, Math::max);
    long now = System.nanoTime();
    if (Long.bitCount(n) == 1 || now - statsLoggedAt > STATS_LOG_INTERVAL_NANOS) {
      statsLoggedAt = now;
      LOG.info("device worker for {}: {}", name, stats());
    }
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("the device worker for " + name + " is closed");
  }
}
