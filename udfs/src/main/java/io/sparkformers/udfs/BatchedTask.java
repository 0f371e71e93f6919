package io.sparkformers.udfs;

import io.sparkformers.inference.task.Features;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.inference.task.TaskPipeline;

/**
 * A task pipeline behind a {@link CoalescingBatcher}: each row is pre-processed on its caller's
 * thread, so tasks decode and tokenize in parallel, and predicted in a batch with the rows of the
 * executor's other tasks. One per model, function and options in an executor JVM.
 */
final class BatchedTask<I, F extends Features, O> {
  private final TaskPipeline<I, F, O> pipeline;
  private final CoalescingBatcher<F, O> batcher;

  private BatchedTask(TaskPipeline<I, F, O> pipeline, CoalescingBatcher<F, O> batcher) {
    this.pipeline = pipeline;
    this.batcher = batcher;
  }

  static <I, F extends Features, O> BatchedTask<I, F, O> start(String name, TaskPipeline<I, F, O> pipeline,
      CoalescingBatcher.Settings settings) {
    return new BatchedTask<>(pipeline, CoalescingBatcher.start(name, settings, pipeline::predict));
  }

  /** The output of one input; what the input's own pre-processing or prediction threw, otherwise. */
  O predict(I input) throws InterruptedException {
    if (input == null) throw new InvalidInputException("input is null");
    return batcher.call(pipeline.preprocess(input));
  }

  CoalescingBatcher.Stats stats() {
    return batcher.stats();
  }
}
