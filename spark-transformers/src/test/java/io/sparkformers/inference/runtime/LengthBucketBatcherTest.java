package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.task.Features;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.inference.task.TaskPipeline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LengthBucketBatcherTest {
  private record Len(int n) implements Features {
    @Override
    public long cost() {
      return n;
    }
  }

  /** Echoes each input's length; records every batch; fails any batch holding the poison length. */
  private static class EchoPipeline extends TaskPipeline<Integer, Len, Integer> {
    final List<List<Integer>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    final int poison;

    EchoPipeline(int poison) {
      this.poison = poison;
    }

    @Override
    public Len preprocess(Integer input) {
      if (input < 0) throw new InvalidInputException("negative");
      return new Len(input);
    }

    @Override
    public List<Integer> predict(List<Len> batch) {
      List<Integer> lengths = batch.stream().map(Len::n).toList();
      if (lengths.contains(poison)) throw new IllegalStateException("poisoned batch");
      batches.add(lengths);
      return lengths;
    }

    @Override
    protected Map<String, Tensor> collate(List<Len> batch) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Integer postprocess(Len features, Map<String, Tensor> outputs, int row) {
      throw new UnsupportedOperationException();
    }
  }

  private static List<Outcome<Integer, Integer>> run(List<Integer> items, EchoPipeline p,
      LengthBucketBatcher.Settings s, InferenceMetrics m) {
    return run(items, p, s, () -> false, m);
  }

  private static List<Outcome<Integer, Integer>> run(List<Integer> items, EchoPipeline p,
      LengthBucketBatcher.Settings s, BooleanSupplier overlap, InferenceMetrics m) {
    List<Outcome<Integer, Integer>> out = new ArrayList<>();
    Iterator<Outcome<Integer, Integer>> it = LengthBucketBatcher.run(items.iterator(), x -> x, p, s, overlap, m);
    it.forEachRemaining(out::add);
    return out;
  }

  private static List<Integer> skewed(int n) {
    Random r = new Random(7);
    return IntStream.range(0, n).mapToObj(i -> r.nextInt(10) == 0 ? 100 + r.nextInt(150) : 5 + r.nextInt(20)).toList();
  }

  @Test
  void outputsComeBackInArrivalOrder() {
    List<Integer> items = skewed(1000);
    List<Outcome<Integer, Integer>> out = run(items, new EchoPipeline(-1),
        new LengthBucketBatcher.Settings(16, 0, 256, true), new InferenceMetrics());
    assertEquals(items, out.stream().map(Outcome::item).toList());
    assertEquals(items, out.stream().map(Outcome::output).toList());
  }

  @Test
  void batchesRespectRowCountAndCostBudget() {
    EchoPipeline p = new EchoPipeline(-1);
    run(skewed(1000), p, new LengthBucketBatcher.Settings(16, 400, 256, true), new InferenceMetrics());
    for (List<Integer> b : p.batches) {
      assertTrue(b.size() <= 16);
      int longest = b.stream().mapToInt(Integer::intValue).max().orElseThrow();
      assertTrue(b.size() == 1 || longest * b.size() <= 400, b.toString());
    }
  }

  @Test
  void sortingInsideTheWindowCutsPadding() {
    InferenceMetrics sorted = new InferenceMetrics();
    InferenceMetrics arrival = new InferenceMetrics();
    run(skewed(2000), new EchoPipeline(-1), new LengthBucketBatcher.Settings(16, 0, 512, true), sorted);
    run(skewed(2000), new EchoPipeline(-1), new LengthBucketBatcher.Settings(16, 0, 512, false), arrival);
    assertEquals(sorted.realCost.get(), arrival.realCost.get());
    assertTrue(sorted.paddingRatio() < 0.2 && arrival.paddingRatio() > 0.5,
        "sorted " + sorted.paddingRatio() + " arrival " + arrival.paddingRatio());
  }

  @Test
  void aBadRowFailsAloneAndAFailingBatchIsSplitUntilOnlyItsCulpritFails() {
    List<Integer> items = new ArrayList<>(List.of(3, 4, -1, 5, 6, 7, 8, 9, 10, 11));
    List<Outcome<Integer, Integer>> out = run(items, new EchoPipeline(7),
        new LengthBucketBatcher.Settings(8, 0, 16, true), new InferenceMetrics());
    for (Outcome<Integer, Integer> o : out) {
      if (o.item() == -1) {
        assertTrue(o.error().contains("negative"), o.error());
      } else if (o.item() == 7) {
        assertTrue(o.error().contains("poisoned"), o.error());
      } else {
        assertNull(o.error());
        assertEquals(o.item(), o.output());
      }
    }
  }

  @Test
  void overlappingPredictsAWindowWhileTheNextIsPreprocessedAndKeepsArrivalOrder() {
    // window 0's forward passes wait until window 1's pre-processing has begun: only overlap finishes
    CountDownLatch nextWindowRead = new CountDownLatch(1);
    EchoPipeline p = new EchoPipeline(-1) {
      @Override
      public Len preprocess(Integer input) {
        if (input >= 16) nextWindowRead.countDown();
        return super.preprocess(input);
      }

      @Override
      public List<Integer> predict(List<Len> batch) {
        try {
          if (batch.get(0).n() < 16 && !nextWindowRead.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("window 1 was not pre-processed during window 0's forward passes");
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return super.predict(batch);
      }
    };
    List<Integer> items = IntStream.range(0, 48).map(i -> 16 * (i / 16) + 15 - i % 16).boxed().toList(); // 15..0, 31..16, 47..32

    List<Outcome<Integer, Integer>> out = run(items, p,
        new LengthBucketBatcher.Settings(8, 0, 16, true), () -> true, new InferenceMetrics());

    assertEquals(items, out.stream().map(Outcome::item).toList());
    assertEquals(items, out.stream().map(Outcome::output).toList(), "no row failed; each got its own output");
    assertEquals(6, p.batches.size(), "3 windows of 2 batches");
  }

  @Test
  void overlappingStartsTheNextWindowsForwardPassesBeforeTheLastWindowsEnd() {
    // window 0's forward passes wait until one of window 1's has begun: only two windows in flight finish
    CountDownLatch nextWindowPredicting = new CountDownLatch(1);
    EchoPipeline p = new EchoPipeline(-1) {
      @Override
      public List<Integer> predict(List<Len> batch) {
        if (batch.get(0).n() >= 16) {
          nextWindowPredicting.countDown();
        } else {
          try {
            if (!nextWindowPredicting.await(10, TimeUnit.SECONDS)) {
              throw new IllegalStateException("window 1 did not reach the device while window 0 was on it");
            }
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
        return super.predict(batch);
      }
    };
    List<Integer> items = IntStream.range(0, 48).map(i -> 16 * (i / 16) + 15 - i % 16).boxed().toList();

    List<Outcome<Integer, Integer>> out = run(items, p,
        new LengthBucketBatcher.Settings(8, 0, 16, true), () -> true, new InferenceMetrics());

    assertEquals(items, out.stream().map(Outcome::item).toList());
    assertEquals(items, out.stream().map(Outcome::output).toList(), "no row failed; each got its own output");
  }

  @Test
  void overlapIsAskedBeforeEachWindowAndOutcomesKeepArrivalOrderAcrossTheSwitches() {
    // windows of 16 rows: 0 and 1 on the task's thread, 2 to 4 overlapped, 5 and 6 on the task's thread again
    AtomicInteger asked = new AtomicInteger();
    BooleanSupplier overlap = () -> {
      int window = asked.getAndIncrement();
      return window >= 2 && window <= 4;
    };
    Map<Integer, String> threadOfWindow = new java.util.concurrent.ConcurrentHashMap<>();
    EchoPipeline p = new EchoPipeline(-1) {
      @Override
      public List<Integer> predict(List<Len> batch) {
        threadOfWindow.put(batch.get(0).n() / 16, Thread.currentThread().getName());
        return super.predict(batch);
      }
    };
    List<Integer> items = IntStream.range(0, 7 * 16).map(i -> 16 * (i / 16) + 15 - i % 16).boxed().toList();

    List<Outcome<Integer, Integer>> out = run(items, p, new LengthBucketBatcher.Settings(8, 0, 16, true), overlap,
        new InferenceMetrics());

    assertEquals(items, out.stream().map(Outcome::item).toList());
    assertEquals(items, out.stream().map(Outcome::output).toList(), "no row failed; each got its own output");
    String task = Thread.currentThread().getName();
    assertEquals(Map.of(0, task, 1, task, 2, "sparkformers-forward", 3, "sparkformers-forward",
        4, "sparkformers-forward", 5, task, 6, task), threadOfWindow);
  }

  @Test
  void nullInputsAreInvalidRows() {
    List<Integer> items = new ArrayList<>();
    items.add(null);
    items.add(4);
    InferenceMetrics m = new InferenceMetrics();
    List<Outcome<Integer, Integer>> out = run(items, new EchoPipeline(-1), LengthBucketBatcher.Settings.of(4, 0, true), m);
    assertTrue(out.get(0).error().contains("null"));
    assertEquals(4, out.get(1).output());
    assertEquals(2, m.rows.get());
    assertEquals(1, m.failedRows.get());
  }
}
