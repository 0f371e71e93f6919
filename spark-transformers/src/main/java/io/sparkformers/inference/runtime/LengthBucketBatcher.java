package io.sparkformers.inference.runtime;

import io.sparkformers.inference.task.Features;
import io.sparkformers.inference.task.TaskPipeline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Runs a pipeline over a stream of items, a window at a time: pre-processes the window, sorts it by
 * cost (tokens, pixels, samples) so each batch pads little, cuts batches by row count and by a cost
 * budget, predicts, and hands results back in arrival order. Memory is bounded by one window (by
 * three when forward passes overlap pre-processing: two predicting, one handed back).
 *
 * <p>A pipeline that batches continuously (generation) gets the whole window at once and keeps a
 * batch of it in the model itself.
 *
 * <p>A batch that fails is split in half and retried, so an out-of-memory batch or one poisoned row
 * costs only that row.
 */
public final class LengthBucketBatcher {

  /**
   * @param batchSize max rows per forward pass
   * @param maxCostPerBatch max padded cost (rows x longest) per forward pass; 0 for none
   * @param windowSize rows read ahead and sorted together
   * @param sortByLength false keeps arrival order inside the window (to measure what sorting gains)
   */
  public record Settings(int batchSize, long maxCostPerBatch, int windowSize, boolean sortByLength)
      implements java.io.Serializable {
    public Settings {
      if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
      if (windowSize < batchSize) throw new IllegalArgumentException("windowSize must be >= batchSize");
    }

    public static Settings of(int batchSize, long maxCostPerBatch, boolean sortByLength) {
      return new Settings(batchSize, maxCostPerBatch, windowFor(batchSize), sortByLength);
    }

    /** Rows read ahead: enough for 16 batches, so sorting groups similar lengths. */
    public static int windowFor(int batchSize) {
      return Math.max(batchSize * 16, 256);
    }
  }

  /**
   * Threads that run windows' forward passes for tasks that overlap them with pre-processing; they
   * mostly wait for the device worker. Daemons, reused, gone after a minute idle.
   */
  private static final ExecutorService FORWARD_THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sparkformers-forward");
    t.setDaemon(true);
    return t;
  });

  /** Batches of one window a device worker may hold at once: four, as many merged forward passes of 128 rows need. */
  private static final int IN_FLIGHT = 4;

  /**
   * Windows of one task predicting at once: two, so the task pre-processes the next window while
   * the last batches of one and the first of the next wait for the device together.
   */
  private static final int WINDOWS_IN_FLIGHT = 2;

  private LengthBucketBatcher() {}

  /**
   * @param overlap asked before each window is read: whether its forward passes run on other
   *     threads, several batches at a time, while the task pre-processes the next window. For a
   *     device that limits the job ({@link DeviceLoad#saturated}): the task thread would otherwise
   *     leave it idle while it tokenizes, and one batch per task would leave it idle after each
   *     merged pass. Elsewhere it only costs cores: on CPU the forward pass needs the task's own.
   */
  public static <T, I, F extends Features, O> Iterator<Outcome<T, O>> run(
      Iterator<T> items,
      Function<T, I> input,
      TaskPipeline<I, F, O> pipeline,
      Settings settings,
      BooleanSupplier overlap,
      InferenceMetrics metrics) {
    return new Iterator<>() {
      private final Deque<Outcome<T, O>> ready = new ArrayDeque<>();
      /** With overlap: the windows whose forward passes run on forward threads, oldest first. */
      private final Deque<Future<List<Outcome<T, O>>>> predicting = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        if (!ready.isEmpty()) return true;
        // the next windows are pre-processed and queued while the oldest is on the device, so the
        // device finds this task's batches waiting across a window's end
        while (predicting.size() < WINDOWS_IN_FLIGHT && items.hasNext() && overlap.getAsBoolean()) {
          List<Slot<T, F, O>> window = readWindow(items, input, pipeline, settings);
          predicting.add(FORWARD_THREADS.submit(() -> predictWindow(window, pipeline, settings, true, metrics)));
        }
        if (!predicting.isEmpty()) {
          ready.addAll(await(predicting.poll()));
        } else if (items.hasNext()) {
          ready.addAll(predictWindow(readWindow(items, input, pipeline, settings), pipeline, settings, false, metrics));
        }
        return !ready.isEmpty();
      }

      @Override
      public Outcome<T, O> next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.poll();
      }
    };
  }

  private static final class Slot<T, F, O> {
    final T item;
    F features;
    O output;
    String error;

    Slot(T item) {
      this.item = item;
    }
  }

  /** Pre-processes the next window of items; a row that fails keeps its error. */
  private static <T, I, F extends Features, O> List<Slot<T, F, O>> readWindow(
      Iterator<T> items, Function<T, I> input, TaskPipeline<I, F, O> pipeline, Settings settings) {
    List<Slot<T, F, O>> window = new ArrayList<>(settings.windowSize());
    while (window.size() < settings.windowSize() && items.hasNext()) {
      Slot<T, F, O> slot = new Slot<>(items.next());
      try {
        I in = input.apply(slot.item);
        if (in == null) throw new io.sparkformers.inference.task.InvalidInputException("input is null");
        slot.features = pipeline.preprocess(in);
      } catch (RuntimeException e) {
        slot.error = describe(e);
      }
      window.add(slot);
    }
    return window;
  }

  /** Sorts a pre-processed window, cuts it into batches, predicts them; outcomes in arrival order. */
  private static <T, I, F extends Features, O> List<Outcome<T, O>> predictWindow(List<Slot<T, F, O>> window,
      TaskPipeline<I, F, O> pipeline, Settings settings, boolean inFlight, InferenceMetrics metrics) {
    List<Slot<T, F, O>> todo = new ArrayList<>();
    for (Slot<T, F, O> s : window) if (s.error == null) todo.add(s);
    if (settings.sortByLength()) {
      todo.sort(Comparator.comparingLong(s -> s.features.cost()));
    }
    List<List<Slot<T, F, O>>> batches = new ArrayList<>();
    int start = 0;
    if (pipeline.batchesContinuously() && !todo.isEmpty()) {
      predict(todo, pipeline, metrics);
      start = todo.size();
    }
    while (start < todo.size()) {
      int end = start;
      long longest = 0;
      while (end < todo.size() && end - start < settings.batchSize()) {
        long cost = Math.max(longest, todo.get(end).features.cost());
        if (end > start && settings.maxCostPerBatch() > 0
            && cost * (end - start + 1) > settings.maxCostPerBatch()) {
          break;
        }
        longest = cost;
        end++;
      }
      batches.add(todo.subList(start, end));
      start = end;
    }
    if (inFlight) {
      predictInFlight(batches, pipeline, metrics);
    } else {
      for (List<Slot<T, F, O>> batch : batches) predict(batch, pipeline, metrics);
    }

    List<Outcome<T, O>> out = new ArrayList<>(window.size());
    for (Slot<T, F, O> s : window) {
      metrics.rows.incrementAndGet();
      if (s.error != null) metrics.failedRows.incrementAndGet();
      out.add(new Outcome<>(s.item, s.output, s.error));
    }
    return out;
  }

  /**
   * The batches on {@link #IN_FLIGHT} forward threads, each taking the next batch when its last is
   * done, so the device worker finds several of this task's batches waiting to merge rather than
   * one per task after every forward pass.
   */
  private static <T, I, F extends Features, O> void predictInFlight(
      List<List<Slot<T, F, O>>> batches, TaskPipeline<I, F, O> pipeline, InferenceMetrics metrics) {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> threads = new ArrayList<>();
    for (int t = 0; t < Math.min(IN_FLIGHT, batches.size()); t++) {
      threads.add(FORWARD_THREADS.submit(() -> {
        for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
          predict(batches.get(b), pipeline, metrics);
        }
      }));
    }
    for (Future<?> thread : threads) await(thread);
  }

  private static <T, I, F extends Features, O> void predict(
      List<Slot<T, F, O>> batch, TaskPipeline<I, F, O> pipeline, InferenceMetrics metrics) {
    List<F> features = new ArrayList<>(batch.size());
    long longest = 0;
    long real = 0;
    for (Slot<T, F, O> s : batch) {
      features.add(s.features);
      longest = Math.max(longest, s.features.cost());
      real += s.features.cost();
    }
    long started = System.nanoTime();
    try {
      List<O> outputs = pipeline.predict(features);
      metrics.forwardNanos.addAndGet(System.nanoTime() - started);
      metrics.batches.incrementAndGet();
      metrics.realCost.addAndGet(real);
      metrics.paddedCost.addAndGet(longest * batch.size());
      for (int i = 0; i < batch.size(); i++) batch.get(i).output = outputs.get(i);
    } catch (RuntimeException | OutOfMemoryError e) {
      if (batch.size() == 1) {
        batch.get(0).error = describe(e);
        return;
      }
      int half = batch.size() / 2;
      predict(batch.subList(0, half), pipeline, metrics);
      predict(batch.subList(half, batch.size()), pipeline, metrics);
    }
  }

  private static <V> V await(Future<V> result) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the forward passes of a window ran", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error error) throw error;
      throw new IllegalStateException(e.getCause());
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
