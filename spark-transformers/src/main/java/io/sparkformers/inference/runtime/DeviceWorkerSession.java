package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.ForwardingSession;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A session whose forward passes go through its device's {@link DeviceWorker}; callers block until
 * their own outputs or exception come back, as with the plain session. Closing it stops the worker,
 * then closes the session.
 */
final class DeviceWorkerSession extends ForwardingSession {
  private final DeviceWorker worker;

  DeviceWorkerSession(ModelSession session, DeviceWorker worker) {
    super(session);
    this.worker = worker;
  }





  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs, String... outputs) {
    CompletableFuture<Map<String, Tensor>> result = null;
    try {
      result = worker.submit(inputs, outputs);
      return result.get();
    } catch (InterruptedException e) {
      // a killed Spark task: the worker skips the request if it has not started it
      if (result != null) result.cancel(false);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the device worker", e);
    } catch (ExecutionException e) {
      // the exception the plain session would have thrown, so batch splitting and error columns match
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      if (cause instanceof Error) throw (Error) cause;
      throw new IllegalStateException(cause);
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
