package io.sparkformers.inference.audio;

/**
 * A window of a long clip and the samples at each end that overlap its neighbours: the model
 * sees them as context, but their logits are dropped when the chunks are merged.
 */
public record AudioChunk(float[] samples, int strideLeft, int strideRight) {

  /** A whole clip as one chunk, with nothing to drop. */
  public static AudioChunk whole(float[] samples) {
    return new AudioChunk(samples, 0, 0);
  }
}
