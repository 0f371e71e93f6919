package io.sparkformers.inference.audio;

import java.util.List;

/**
 * The ASR pipeline's output: {"text": ..., "chunks": [{"text": ..., "timestamp": [start, end]}]};
 * chunks is empty unless timestamps were asked for.
 */
public record Transcription(String text, List<Chunk> chunks) {

  /** A character or word with its start and end in seconds. */
  public record Chunk(String text, double[] timestamp) {}
}
