package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.ForwardingSession;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A session whose forward passes go through its device's worker, one {@link CoalescingWorker}
 * merging the tasks' batches ({@link TensorMerge}); callers block until their own outputs or
 * exception come back, as with the plain session, and cut their rows from a merged pass
 * themselves. Closing it stops the worker, then closes the session.
 */
final class DeviceWorkerSession extends ForwardingSession {
  private final TensorMerge merge;
  private final CoalescingWorker<TensorMerge.Forward, Supplier<Map<String, Tensor>>> worker;

  private DeviceWorkerSession(ModelSession session, TensorMerge merge,
      CoalescingWorker<TensorMerge.Forward, Supplier<Map<String, Tensor>>> worker) {
    super(session);
    this.merge = merge;
    this.worker = worker;
  }

  /**
   * @param name device and graph, for the worker's thread and logs
   * @param paddingBudget see {@link TensorMerge}
   * @param load the device's, which counts the worker's passes
   */
  static DeviceWorkerSession start(ModelSession session, String name, CoalescingWorker.Settings settings,
      long paddingBudget, DeviceLoad load) {
    TensorMerge merge = new TensorMerge(session, paddingBudget);
    return new DeviceWorkerSession(session, merge,
        CoalescingWorker.start("device " + name + " (batch axis of " + merge.batchInputs() + ", padding budget "
            + paddingBudget + ")", settings, load.metering(merge)));
  }

  CoalescingWorker.Stats stats() {
    return worker.stats();
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs, String... outputs) {
    try {
      return worker.call(merge.forward(inputs, outputs)).get();
    } catch (InterruptedException e) {
      // a killed Spark task: the worker skips the request if it has not started it
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the device worker", e);
    }
  }

  @Override
  public void close() {
    worker.close();
    session.close();
  }

  @Override
  public String toString() {
    return "DeviceWorker(" + session + ")";
  }
}
