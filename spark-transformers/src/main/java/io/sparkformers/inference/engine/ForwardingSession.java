package io.sparkformers.inference.engine;

import java.util.List;
import java.util.Optional;

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

  /**
   * The wrapped session's: a decoder step keeps its cache in the engine and feeds it back, which a
   * wrapper that moves or merges Java tensors cannot do for it, and steps never merge anyway.
   */
  @Override
  public Optional<ResidentRuns> residentRuns() {
    return session.residentRuns();
  }
}
