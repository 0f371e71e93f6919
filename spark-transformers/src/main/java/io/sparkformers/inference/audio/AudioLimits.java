package io.sparkformers.inference.audio;

/**
 * Memory guards for one row of encoded audio: its size in bytes and its duration. Duration is
 * checked against the container header before any sample is decoded, so a forged header that
 * declares hours of audio is rejected without allocating them.
 */
public record AudioLimits(long maxBytes, double maxSeconds) implements java.io.Serializable {

  /** 64 MiB and one hour: well above a speech clip, well below an executor's heap. */
  public static final AudioLimits DEFAULT = new AudioLimits(64L << 20, 3600);

  public AudioLimits {
    if (maxBytes <= 0 || maxSeconds <= 0) {
      throw new IllegalArgumentException("limits must be positive: " + maxBytes + " bytes, " + maxSeconds + " s");
    }
  }

  /** The largest number of frames a clip at {@code sampleRate} may hold. */
  long maxFrames(float sampleRate) {
    return (long) Math.floor(maxSeconds * sampleRate);
  }
}
