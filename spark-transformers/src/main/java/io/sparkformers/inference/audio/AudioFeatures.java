package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.Features;

/** One clip's model input: mono samples at the extractor's rate, normalized if the config asks. */
public record AudioFeatures(float[] inputValues) implements Features {

  /** Samples: what length sorting and the batch budget count. */
  @Override
  public long cost() {
    return inputValues.length;
  }
}
