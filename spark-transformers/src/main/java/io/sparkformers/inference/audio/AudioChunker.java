package io.sparkformers.inference.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits long audio into overlapping windows as the HF ASR pipeline's chunk_iter does (transformers
 * 4.38): windows of {@code chunkLength} samples advancing by chunkLength - strideLeft - strideRight;
 * the first has no left stride; a window is the last one when it would run past the end of the
 * audio (so when the right stride is non-zero a window ending exactly at the end is not the last:
 * all right strides must be full); a window no longer than its left stride is skipped.
 */
public record AudioChunker(int chunkLength, int strideLeft, int strideRight) {

  public AudioChunker {
    if (strideLeft < 0 || strideRight < 0 || chunkLength <= strideLeft + strideRight) {
      throw new IllegalArgumentException("chunk length " + chunkLength
          + " must be larger than its strides " + strideLeft + " + " + strideRight);
    }
  }

  /**
   * From the pipeline's arguments in seconds. A null left stride is chunk_length_s / 6, a null
   * right stride equals the left, as the pipeline defaults them; every length is rounded (half to
   * even, as Python's round) to a multiple of {@code alignTo}, the model's inputs_to_logits_ratio,
   * so chunk boundaries fall on logit frames.
   */
  public static AudioChunker ofSeconds(
      double chunkLengthS, Double strideLeftS, Double strideRightS, int samplingRate, int alignTo) {
    double left = strideLeftS != null ? strideLeftS : chunkLengthS / 6;
    double right = strideRightS != null ? strideRightS : left;
    return new AudioChunker(
        aligned(chunkLengthS, samplingRate, alignTo),
        aligned(left, samplingRate, alignTo),
        aligned(right, samplingRate, alignTo));
  }

  private static int aligned(double seconds, int samplingRate, int alignTo) {
    return (int) Math.rint(seconds * samplingRate / alignTo) * alignTo;
  }

  public List<AudioChunk> split(float[] samples) {
    List<AudioChunk> chunks = new ArrayList<>();
    int step = chunkLength - strideLeft - strideRight;
    for (int start = 0; start < samples.length; start += step) {
      int end = Math.min(start + chunkLength, samples.length);
      boolean isLast = strideRight > 0 ? start + chunkLength > samples.length : start + chunkLength >= samples.length;
      int left = start == 0 ? 0 : strideLeft;
      if (end - start > left) {
        float[] window = Arrays.copyOfRange(samples, start, end);
        chunks.add(new AudioChunk(window, left, isLast ? 0 : strideRight));
      }
      if (isLast) {
        break;
      }
    }
    return chunks;
  }
}
