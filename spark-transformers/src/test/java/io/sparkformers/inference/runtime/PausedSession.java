package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.ForwardingSession;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A session whose runs wait for {@link #release()}: with the worker held in its first forward pass,
 * a test queues requests behind it and knows exactly what the worker will find waiting.
 */
final class PausedSession extends ForwardingSession {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  PausedSession(ModelSession session) {
    super(session);
  }

  /** Returns once the worker is inside a forward pass. */
  void awaitForward() throws InterruptedException {
    entered.await();
  }

  void release() {
    released.countDown();
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs, String... outputs) {
    entered.countDown();
    boolean interrupted = false;
    // uninterruptible, as a native forward pass is
    while (released.getCount() > 0) {
      try {
        released.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    return session.run(inputs, outputs);
  }





  @Override
  public void close() {
    session.close();
  }
}
