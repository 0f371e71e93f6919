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
import java.util.function.Function;

/**
 * Runs a pipeline over a stream of items, a window at a time: pre-processes the window, sorts it by
 * cost (tokens, pixels, samples) so each batch pads little, cuts batches by row count and by a cost
 * budget, predicts, and hands results back in arrival order. Memory is bounded by one window.
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

  private LengthBucketBatcher() {}

  public static <T, I, F extends Features, O> Iterator<Outcome<T, O>> run(
      Iterator<T> items,
      Function<T, I> input,
      TaskPipeline<I, F, O> pipeline,
      Settings settings,
      InferenceMetrics metrics) {
    return new Iterator<>() {
      private final Deque<Outcome<T, O>> ready = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        if (ready.isEmpty() && items.hasNext()) {
          ready.addAll(runWindow(items, input, pipeline, settings, metrics));
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

  private static <T, I, F extends Features, O> List<Outcome<T, O>> runWindow(
      Iterator<T> items,
      Function<T, I> input,
      TaskPipeline<I, F, O> pipeline,
      Settings settings,
      InferenceMetrics metrics) {
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

    List<Slot<T, F, O>> todo = new ArrayList<>();
    for (Slot<T, F, O> s : window) if (s.error == null) todo.add(s);
    if (settings.sortByLength()) {
      todo.sort(Comparator.comparingLong(s -> s.features.cost()));
    }
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
      predict(todo.subList(start, end), pipeline, metrics);
      start = end;
    }

    List<Outcome<T, O>> out = new ArrayList<>(window.size());
    for (Slot<T, F, O> s : window) {
      metrics.rows.incrementAndGet();
      if (s.error != null) metrics.failedRows.incrementAndGet();
      out.add(new Outcome<>(s.item, s.output, s.error));
    }
    return out;
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

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
