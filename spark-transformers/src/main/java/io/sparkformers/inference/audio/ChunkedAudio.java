package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.Features;
import java.util.List;

/** One clip cut into windows for speech recognition, each normalized on its own as chunk_iter does; one model row each. */
public record ChunkedAudio(List<AudioChunk> chunks) implements Features {

  /** Samples over all windows, strides included: what the model reads. */
  @Override
  public long cost() {
    long samples = 0;
    for (AudioChunk chunk : chunks) {
      samples += chunk.samples().length;
    }
    return samples;
  }
}
