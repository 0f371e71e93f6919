package io.sparkformers.udfs;

import io.sparkformers.inference.runtime.CoalescingWorker;
import io.sparkformers.inference.task.Features;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.inference.task.TaskPipeline;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;

/**
 * A task pipeline behind a {@link CoalescingWorker}: each row is pre-processed on its caller's
 * thread, so tasks decode and tokenize in parallel, and predicted in a batch with the rows of the
 * executor's other tasks. One per model, function and options in an executor JVM.
 */
final class BatchedTask<I, F extends Features, O> {
  private final TaskPipeline<I, F, O> pipeline;
  private final CoalescingWorker<F, O> batcher;
  /** Attempt ids of the running tasks counted among the batcher's callers. */
  private final Set<Long> tasks = ConcurrentHashMap.newKeySet();

  private BatchedTask(TaskPipeline<I, F, O> pipeline, CoalescingWorker<F, O> batcher) {
    this.pipeline = pipeline;
    this.batcher = batcher;
  }

  static <I, F extends Features, O> BatchedTask<I, F, O> start(String name, TaskPipeline<I, F, O> pipeline,
      CoalescingWorker.Settings settings) {
    return new BatchedTask<>(pipeline, CoalescingWorker.start("sql " + name, settings,
        CoalescingWorker.Batching.oneRowEach(pipeline::predict)));
  }

  /**
   * Counts a Spark task among the batcher's callers from its first row until it ends, so a batch
   * runs as soon as every running task has a row in it. Null (a row computed on the driver): not counted.
   */
  void join(TaskContext task) {
    if (task == null || !tasks.add(task.taskAttemptId())) return;
    batcher.join();
    task.addTaskCompletionListener((TaskContext ended) -> {
      tasks.remove(ended.taskAttemptId());
      batcher.leave();
    });
  }

  /** The output of one input; what the input's own pre-processing or prediction threw, otherwise. */
  O predict(I input) throws InterruptedException {
    if (input == null) throw new InvalidInputException("input is null");
    return batcher.call(pipeline.preprocess(input));
  }
}
