package io.sparkformers.udfs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns single calls from many threads into batch calls. Spark evaluates a SQL function a row at a
 * time on each task thread; the rows of an executor's concurrent tasks wait here while one daemon
 * thread runs them as one batch, then each caller gets its own output back.
 *
 * <p>The thread takes the oldest waiting call and waits at most {@code maxWait} for others, up to
 * {@code maxBatch}, or until every caller that has {@link #join joined} is waiting: each waits for
 * its own call, so no more can come. A batch that throws runs again a call at a time, so a bad row
 * fails only its own caller. The thread never waits for a caller: one that gives up (an
 * interrupted, killed task) leaves its call behind and the others go on.
 *
 * @param <I> one call's input
 * @param <O> one call's output
 */
final class CoalescingBatcher<I, O> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoalescingBatcher.class);

  /**
   * @param maxBatch calls one batch may hold
   * @param maxWait how long the thread, holding a call, waits for more to join it
   */
  record Settings(int maxBatch, Duration maxWait) implements java.io.Serializable {
    Settings {
      if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
      if (maxWait.isNegative()) throw new IllegalArgumentException("maxWait must be >= 0, got " + maxWait);
    }
  }

  /** Counters since the batcher started; {@code callsRunAlone} counts the reruns of failed batches. */
  record Stats(long batches, long calls, int largestBatch, long callsRunAlone) {}

  private record Call<I, O>(I input, CompletableFuture<O> result) {}

  private final String name;
  private final Settings settings;
  private final Function<List<I>, List<O>> batchFunction;
  // unbounded: a caller waits for its own call, so at most one call per task thread is queued
  private final BlockingQueue<Call<I, O>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  /** Threads that have said they will call, until they leave. */
  private final AtomicInteger callers = new AtomicInteger();

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicInteger largestBatch = new AtomicInteger();
  private final AtomicLong callsRunAlone = new AtomicLong();

  private CoalescingBatcher(String name, Settings settings, Function<List<I>, List<O>> batchFunction) {
    this.name = name;
    this.settings = settings;
    this.batchFunction = batchFunction;
    this.thread = new Thread(this::serve, "sparkformers-batcher " + name);
    thread.setDaemon(true);
  }

  /**
   * A running batcher; {@code name} labels its thread and logs.
   *
   * @param batchFunction outputs in the order of its inputs; what it throws fails the whole batch
   */
  static <I, O> CoalescingBatcher<I, O> start(String name, Settings settings, Function<List<I>, List<O>> batchFunction) {
    CoalescingBatcher<I, O> batcher = new CoalescingBatcher<>(name, settings, batchFunction);
    batcher.thread.start();
    LOG.info("batcher for {} started: batches of up to {} calls, waiting at most {} ms for them",
        name, settings.maxBatch(), settings.maxWait().toMillis());
    return batcher;
  }

  /**
   * This input's output, computed in a batch with the calls of other threads.
   *
   * @throws RuntimeException what computing this input threw (a failed batch reruns each call alone)
   * @throws InterruptedException when this thread is interrupted while waiting; its call is dropped
   */
  O call(I input) throws InterruptedException {
    if (closed) throw closedException();
    Call<I, O> call = new Call<>(input, new CompletableFuture<>());
    queue.put(call);
    // close() may have failed what was queued just before this put
    if (closed) call.result.completeExceptionally(closedException());
    try {
      return call.result.get();
    } catch (InterruptedException e) {
      call.result.cancel(false); // the thread skips it if it has not taken it yet
      throw e;
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    }
  }

  /**
   * Counts one more thread that will call until it {@link #leave leaves}. Once every such thread
   * waits, a batch runs at once rather than after maxWait; calls from threads that never join still
   * wait at most maxWait for company.
   */
  void join() {
    callers.incrementAndGet();
  }

  void leave() {
    callers.decrementAndGet();
  }

  Stats stats() {
    return new Stats(batches.get(), calls.get(), largestBatch.get(), callsRunAlone.get());
  }

  /** Stops the thread once its current batch is done; calls still waiting fail. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("batcher for {} stopped: {}", name, stats());
  }

  private void serve() {
    try {
      while (!closed) run(nextBatch());
    } catch (InterruptedException e) {
      // close() stops the thread
    } finally {
      List<Call<I, O>> waiting = new ArrayList<>();
      queue.drainTo(waiting);
      waiting.forEach(c -> c.result.completeExceptionally(closedException()));
    }
  }

  /** The oldest call and those that arrive within maxWait of taking it, up to maxBatch or every joined caller. */
  private List<Call<I, O>> nextBatch() throws InterruptedException {
    List<Call<I, O>> batch = new ArrayList<>(List.of(queue.take()));
    long deadline = System.nanoTime() + settings.maxWait().toNanos();
    while (batch.size() < settings.maxBatch() && !everyCallerWaits(batch.size())) {
      Call<I, O> next;
      try {
        next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close(): run what was taken, then stop
        break;
      }
      if (next == null) break;
      batch.add(next);
    }
    batch.removeIf(c -> c.result.isDone()); // given up by their callers
    return batch;
  }

  /** With no caller joined, who else may call is unknown, so only maxBatch and maxWait apply. */
  private boolean everyCallerWaits(int waiting) {
    int joined = callers.get();
    return joined > 0 && waiting >= joined;
  }

  private void run(List<Call<I, O>> batch) {
    if (batch.isEmpty()) return;
    List<O> outputs;
    try {
      outputs = outputs(batch);
    } catch (Throwable e) { // the worker carries on; the callers get the exception
      if (batch.size() == 1) {
        batch.get(0).result.completeExceptionally(e);
        return;
      }
      batch.forEach(this::runAlone);
      return;
    }
    for (int i = 0; i < batch.size(); i++) batch.get(i).result.complete(outputs.get(i));
  }

  private void runAlone(Call<I, O> call) {
    callsRunAlone.incrementAndGet();
    try {
      call.result.complete(outputs(List.of(call)).get(0));
    } catch (Throwable e) {
      call.result.completeExceptionally(e);
    }
  }

  private List<O> outputs(List<Call<I, O>> batch) {
    List<I> inputs = new ArrayList<>(batch.size());
    for (Call<I, O> c : batch) inputs.add(c.input);
    List<O> outputs = batchFunction.apply(inputs);
    if (outputs.size() != inputs.size()) {
      throw new IllegalStateException(name + ": " + outputs.size() + " outputs for " + inputs.size() + " inputs");
    }
    count(batch.size());
    return outputs;
  }

  /** Logs the totals after 1, 2, 4, 8 ... batches, so a short query shows how much it coalesced. */
  private void count(int size) {
    long n = batches.incrementAndGet();
    calls.addAndGet(size);
    largestBatch.accumulateAndGet(size, Math::max);
    if (Long.bitCount(n) == 1) LOG.info("batcher for {}: {}", name, stats());
  }

  private static RuntimeException rethrown(Throwable e) {
    if (e instanceof RuntimeException r) return r;
    if (e instanceof Error error) throw error;
    return new IllegalStateException(e);
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("the batcher for " + name + " is closed");
  }
}
