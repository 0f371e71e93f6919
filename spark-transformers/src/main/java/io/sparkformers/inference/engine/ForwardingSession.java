package io.sparkformers.inference.engine;

import java.util.List;

/** A session that changes how another one runs, not what graph it declares: names and shapes are the wrapped session's. */
public abstract class ForwardingSession implements ModelSession {
  protected final ModelSession session;

  protected ForwardingSession(ModelSession session) {
    this.session = session;
  }

  @Override
  public final List<String> inputNames() {
    return session.inputNames();
  }

  @Override
  public final List<String> outputNames() {
    return session.outputNames();
  }

  @Override
  public final long[] inputShape(String name) {
    return session.inputShape(name);
  }

  @Override
  public final long[] outputShape(String name) {
    return session.outputShape(name);
  }
}
