package io.sparkformers.inference.runtime;

/** What became of one item: its prediction, or the reason it has none. */
public record Outcome<T, O>(T item, O output, String error) {
  public boolean failed() {
    return error != null;
  }
}
