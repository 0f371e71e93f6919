package io.sparkformers.inference.runtime;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads that run the requests of many caller threads in merged batches (DESIGN section 3): the
 * GPU's device worker (requests are the tasks' tensor batches, see {@link TensorMerge}) and the
 * SQL functions' executor-wide batcher (requests are single rows).
 *
 * <p>A thread takes the oldest request and, for at most {@code maxWait}, the waiting ones that
 * merge with it (see {@link Batching#size}), up to {@code maxRows} rows, or until every caller that
 * has {@link #join joined} is waiting: each waits for its own request, so no more can come. Of the
 * requests already waiting it takes first those that grow the merge least beyond their own size
 * (text batches of the nearest lengths, which pad least). Requests left out wait for the next batch,
 * which the oldest of them starts. A full queue blocks the submitting thread.
 * With several threads, one collects a batch at a time, in the order requests came, while the
 * others run theirs. With maxWait zero, a caller that finds no request waiting and fewer batches
 * running than there are threads runs its request on its own thread, as a free thread would at
 * once, alone: the hand-offs to a worker thread and back cost a busy host CPU for nothing.
 *
 * <p>A merged batch that fails runs again a request at a time, so a bad request fails only its
 * caller. One that fails for device memory ({@link DeviceMemory#exhausted}) lowers a ceiling on
 * the batch size, to half the failed size or the largest size that ran if that is more, and runs
 * again in parts under it; no later merge grows above it, so the worker splits a few times per
 * model and device (one worker each), not once per batch. A single request over the ceiling still runs, as its caller sent
 * it (a task splits its own batch when that fails).
 *
 * @param <R> one caller's request
 * @param <O> its output
 */
public final class CoalescingWorker<R, O> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoalescingWorker.class);
  private static final long STATS_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** What the worker merges and how it runs a merged batch. */
  public interface Batching<R, O> {
    /** Rows in one request, counted against maxRows. */
    int rows(R request);

    /**
     * The size of these requests run as one batch, in the unit a device's memory grows with (rows
     * x padded tokens for text); negative when they cannot run as one batch (never for one request).
     */
    long size(List<R> requests);

    /** The outputs in the order of the requests; what it throws fails the whole batch. */
    List<O> run(List<R> requests);

    /** Requests of one row each (the SQL functions' rows), any of which merge, run by {@code batch}. */
    static <R, O> Batching<R, O> oneRowEach(Function<List<R>, List<O>> batch) {
      return new Batching<>() {
        @Override
        public int rows(R request) {
          return 1;
        }

        @Override
        public long size(List<R> requests) {
          return requests.size();
        }

        @Override
        public List<O> run(List<R> requests) {
          return batch.apply(requests);
        }
      };
    }
  }

  /**
   * @param queueCapacity requests waiting for the threads; a full queue blocks the submitting thread
   * @param maxRows rows one merged batch may hold
   * @param maxWait how long a thread, holding a request, waits for more to merge with it; zero
   *     runs at once what already waits (the device worker: a pass starts whenever the device is free)
   * @param threads how many batches may run at once, the worker's threads' and its callers'
   */
  public record Settings(int queueCapacity, int maxRows, Duration maxWait, int threads) implements Serializable {
    public Settings {
      if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1, got " + queueCapacity);
      if (maxRows < 1) throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
      if (maxWait.isNegative()) throw new IllegalArgumentException("maxWait must be >= 0, got " + maxWait);
      if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    /**
     * Four requests per core: a caller waits for its own request and an executor runs at most a task
     * per core, so the queue fills only when more threads submit.
     */
    public static Settings of(int maxRows, Duration maxWait) {
      return new Settings(4 * Runtime.getRuntime().availableProcessors(), maxRows, maxWait, 1);
    }

    public Settings withThreads(int n) {
      return new Settings(queueCapacity, maxRows, maxWait, n);
    }
  }

  /**
   * Counters since the worker started. {@code requestsRunAlone} counts the reruns of failed merges;
   * {@code memorySplits} the batches that failed for device memory; {@code sizeCeiling} is the
   * largest merge the worker builds ({@link Long#MAX_VALUE} until memory ran out);
   * {@code runByCaller} the requests their callers ran, finding the worker idle.
   */
  public record Stats(long batches, long mergedBatches, long requests, long rows, int largestBatchRows,
      long requestsRunAlone, long memorySplits, long sizeCeiling, long runByCaller) {}

  private static final class Request<R, O> {
    final R input;
    final int rows;
    final CompletableFuture<O> result = new CompletableFuture<>();

    Request(R input, int rows) {
      this.input = input;
      this.rows = rows;
    }
  }

  private final String name;
  private final Settings settings;
  private final Batching<R, O> batching;
  private final BlockingQueue<Request<R, O>> queue;
  /** Requests taken from the queue that did not merge with the last batch; under {@code collecting}. */
  private final Deque<Request<R, O>> held = new ArrayDeque<>();
  /** Held by the thread that collects the next batch. */
  private final ReentrantLock collecting = new ReentrantLock();
  /** A permit for each batch that may run at once. */
  private final Semaphore running;
  /** Requests submitted and not yet taken into a batch. */
  private final AtomicInteger waiting = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  /** Threads that have said they will call, until they leave. */
  private final AtomicInteger callers = new AtomicInteger();

  /** The largest batch size that ran. */
  private final AtomicLong largestFit = new AtomicLong();
  private volatile long sizeCeiling = Long.MAX_VALUE;

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong mergedBatches = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicInteger largestBatchRows = new AtomicInteger();
  private final AtomicLong requestsRunAlone = new AtomicLong();
  private final AtomicLong memorySplits = new AtomicLong();
  private final AtomicLong runByCaller = new AtomicLong();
  private final AtomicLong statsLoggedAt = new AtomicLong(System.nanoTime());

  private CoalescingWorker(String name, Settings settings, Batching<R, O> batching) {
    this.name = name;
    this.settings = settings;
    this.batching = batching;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.running = new Semaphore(settings.threads());
    for (int i = 0; i < settings.threads(); i++) {
      Thread thread = new Thread(this::serve, "sparkformers-worker " + name + (settings.threads() > 1 ? " #" + i : ""));
      thread.setDaemon(true);
      threads.add(thread);
    }
  }

  /** A running worker; {@code name} labels its thread and logs. */
  public static <R, O> CoalescingWorker<R, O> start(String name, Settings settings, Batching<R, O> batching) {
    CoalescingWorker<R, O> worker = new CoalescingWorker<>(name, settings, batching);
    worker.threads.forEach(Thread::start);
    LOG.info("worker for {} started: merges requests up to {} rows, waiting at most {} ms for them;"
        + " queue of {} requests; {} thread(s)", name, settings.maxRows(), settings.maxWait().toMillis(),
        settings.queueCapacity(), settings.threads());
    return worker;
  }

  /**
   * Queues a request; blocks while the queue is full.
   *
   * @return its output, or the exception of this request alone
   */
  public CompletableFuture<O> submit(R input) throws InterruptedException {
    if (closed) throw closedException();
    Request<R, O> request = new Request<>(input, batching.rows(input));
    waiting.incrementAndGet();
    try {
      queue.put(request);
    } catch (InterruptedException e) {
      waiting.decrementAndGet();
      throw e;
    }
    // close() may have failed what was queued just before this put
    if (closed) request.result.completeExceptionally(closedException());
    return request.result;
  }

  /**
   * This request's output, computed in a batch with the requests of other threads.
   *
   * @throws RuntimeException what running this request threw (a failed merge reruns each alone)
   * @throws InterruptedException when this thread is interrupted while waiting; its request is
   *     dropped if the worker has not started it
   */
  public O call(R input) throws InterruptedException {
    CompletableFuture<O> result = settings.maxWait().isZero() ? runIfIdle(input) : null;
    if (result == null) result = submit(input);
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      // the exception the caller would have met running it itself
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error error) throw error;
      throw new IllegalStateException(cause);
    }
  }

  /** The request run on this thread if nothing waits and a batch may start; null if not run. */
  private CompletableFuture<O> runIfIdle(R input) {
    if (closed) throw closedException();
    if (waiting.get() > 0 || !running.tryAcquire()) return null;
    Request<R, O> request = new Request<>(input, batching.rows(input));
    try {
      run(List.of(request));
    } finally {
      running.release();
    }
    runByCaller.incrementAndGet();
    return request.result;
  }

  /**
   * Counts one more thread that will call until it {@link #leave leaves}. Once every such thread
   * waits, a batch runs at once rather than after maxWait; requests from threads that never join
   * still wait at most maxWait for company.
   */
  public void join() {
    callers.incrementAndGet();
  }

  public void leave() {
    callers.decrementAndGet();
  }

  public Stats stats() {
    return new Stats(batches.get(), mergedBatches.get(), requests.get(), rows.get(), largestBatchRows.get(),
        requestsRunAlone.get(), memorySplits.get(), sizeCeiling, runByCaller.get());
  }

  /** Stops the threads once their current batches are done; requests still waiting fail. */
  @Override
  public void close() {
    closed = true;
    threads.forEach(Thread::interrupt);
    try {
      for (Thread thread : threads) thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Request<R, O>> waiting;
    // a close() interrupted while joining may find a thread still collecting
    collecting.lock();
    try {
      waiting = new ArrayList<>(held);
      queue.drainTo(waiting);
    } finally {
      collecting.unlock();
    }
    waiting.forEach(r -> r.result.completeExceptionally(closedException()));
    LOG.info("worker for {} stopped: {}", name, stats());
  }

  private void serve() {
    try {
      while (!closed) {
        List<Request<R, O>> batch = collect();
        try {
          run(batch);
        } finally {
          running.release();
        }
      }
    } catch (InterruptedException e) {
      // close() stops the threads
    }
  }

  private List<Request<R, O>> collect() throws InterruptedException {
    collecting.lockInterruptibly();
    try {
      return nextBatch();
    } finally {
      collecting.unlock();
    }
  }

  /**
   * The oldest request and the waiting ones that merge with it, within maxRows and the size ceiling:
   * of what already waits, those that add the least to the merge beyond their own size first (for
   * text, the fewest pad cells), then what comes within maxWait, in the order it comes. Returns
   * holding a permit to run it, taken once the oldest request is there, so that what comes while
   * every permit is taken merges.
   */
  private List<Request<R, O>> nextBatch() throws InterruptedException {
    Request<R, O> oldest = held.isEmpty() ? queue.take() : held.poll();
    try {
      running.acquire();
    } catch (InterruptedException e) {
      held.addFirst(oldest); // for close() to fail
      throw e;
    }
    List<Request<R, O>> batch = new ArrayList<>(List.of(oldest));
    queue.drainTo(held, settings.queueCapacity() - held.size());
    int merged = batch.get(0).rows;
    for (Request<R, O> r = closest(batch, merged); r != null; r = closest(batch, merged)) {
      batch.add(r);
      merged += r.rows;
      held.remove(r);
    }
    long deadline = System.nanoTime() + settings.maxWait().toNanos();
    // held stays within one queue's worth, so requests taken but not run are bounded too
    while (merged < settings.maxRows() && held.size() < settings.queueCapacity()
        && !everyCallerWaits(batch.size() + held.size())) {
      Request<R, O> r;
      try {
        r = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close(): run what was taken, then stop
        break;
      }
      if (r == null) break;
      if (fits(batch, merged, r)) {
        batch.add(r);
        merged += r.rows;
      } else {
        held.add(r);
      }
    }
    waiting.addAndGet(-batch.size());
    batch.removeIf(r -> r.result.isDone()); // given up by their callers
    return batch;
  }

  /** The held request that fits the batch and adds least beyond its own size; the oldest of equals; null if none fits. */
  private Request<R, O> closest(List<Request<R, O>> batch, int merged) {
    long current = size(batch);
    Request<R, O> best = null;
    long bestAdded = Long.MAX_VALUE;
    for (Request<R, O> r : held) {
      long size = sizeWith(batch, merged, r);
      if (size < 0) continue;
      long added = size - current - size(List.of(r));
      if (added < bestAdded) {
        best = r;
        bestAdded = added;
      }
      if (added <= 0) break; // nothing fits better (one-row requests: always the first)
    }
    return best;
  }

  private boolean fits(List<Request<R, O>> batch, int merged, Request<R, O> next) {
    return sizeWith(batch, merged, next) >= 0;
  }

  /** The size of the batch with {@code next} added; -1 if that is over maxRows or the ceiling, or cannot merge. */
  private long sizeWith(List<Request<R, O>> batch, int merged, Request<R, O> next) {
    if (merged + next.rows > settings.maxRows()) return -1;
    long size = size(with(batch, next));
    return size <= sizeCeiling ? size : -1;
  }

  /** With no caller joined, who else may call is unknown, so only maxRows and maxWait apply. */
  private boolean everyCallerWaits(int waiting) {
    int joined = callers.get();
    return joined > 0 && waiting >= joined;
  }

  private void run(List<Request<R, O>> batch) {
    if (batch.isEmpty()) return;
    long size = size(batch);
    List<O> outputs;
    try {
      outputs = outputs(batch);
    } catch (Throwable e) { // the thread carries on; the callers get the exception
      if (batch.size() == 1) {
        batch.get(0).result.completeExceptionally(e);
      } else if (DeviceMemory.exhausted(e)) {
        splitForMemory(batch, size, e);
      } else {
        LOG.warn("worker for {}: a merged batch of {} requests failed, running them one at a time: {}",
            name, batch.size(), e.toString());
        requestsRunAlone.addAndGet(batch.size());
        batch.forEach(r -> run(List.of(r)));
      }
      return;
    }
    largestFit.accumulateAndGet(size, Math::max);
    for (int i = 0; i < batch.size(); i++) batch.get(i).result.complete(outputs.get(i));
  }

  /**
   * Lowers the ceiling to half of {@code size}, or to the largest size that ran if that is more,
   * then runs the batch again in consecutive parts under it (each part under the ceiling of when it
   * starts, as a part may lower it again).
   */
  private void splitForMemory(List<Request<R, O>> batch, long size, Throwable e) {
    memorySplits.incrementAndGet();
    synchronized (this) {
      long fit = largestFit.get();
      sizeCeiling = Math.min(sizeCeiling, Math.max(fit < size ? fit : 0, size / 2));
    }
    LOG.warn("worker for {}: a merged batch of size {} ran out of device memory; merging at most {} from now on: {}",
        name, size, sizeCeiling, e.toString());
    int next = 0;
    while (next < batch.size()) {
      List<Request<R, O>> part = new ArrayList<>(List.of(batch.get(next++)));
      while (next < batch.size() && size(with(part, batch.get(next))) <= sizeCeiling) part.add(batch.get(next++));
      run(part);
    }
  }

  private List<O> outputs(List<Request<R, O>> batch) {
    List<R> inputs = new ArrayList<>(batch.size());
    for (Request<R, O> r : batch) inputs.add(r.input);
    List<O> outputs = batching.run(inputs);
    if (outputs.size() != inputs.size()) {
      throw new IllegalStateException(name + ": " + outputs.size() + " outputs for " + inputs.size() + " requests");
    }
    count(batch);
    return outputs;
  }

  private long size(List<Request<R, O>> batch) {
    List<R> inputs = new ArrayList<>(batch.size());
    for (Request<R, O> r : batch) inputs.add(r.input);
    return batching.size(inputs);
  }

  private static <T> List<T> with(List<T> list, T next) {
    List<T> out = new ArrayList<>(list.size() + 1);
    out.addAll(list);
    out.add(next);
    return out;
  }

  /**
   * Counts a batch. Logs the totals after 1, 2, 4, 8 ... batches, so a short job shows how much it
   * merged, and at least once a minute while busy, as workers live as long as the JVM.
   */
  private void count(List<Request<R, O>> batch) {
    int batchRows = batch.stream().mapToInt(r -> r.rows).sum();
    long n = batches.incrementAndGet();
    if (batch.size() > 1) mergedBatches.incrementAndGet();
    requests.addAndGet(batch.size());
    rows.addAndGet(batchRows);
    largestBatchRows.accumulateAndGet(batchRows, Math::max);
    long now = System.nanoTime();
    long logged = statsLoggedAt.get();
    if (Long.bitCount(n) == 1 || now - logged > STATS_LOG_INTERVAL_NANOS && statsLoggedAt.compareAndSet(logged, now)) {
      LOG.info("worker for {}: {}", name, stats());
    }
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("the worker for " + name + " is closed");
  }
}
