package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.InvalidInputException;

/**
 * One audio input, as the HF audio pipelines take it: the bytes of an audio file, or raw samples
 * with the rate they were recorded at ({"raw": array, "sampling_rate": rate}); a rate of 0 means
 * the model's own, as the pipelines assume for a bare array.
 */
public final class AudioInput {
  private final byte[] encoded;
  private final float[] samples;
  private final int samplingRate;

  private AudioInput(byte[] encoded, float[] samples, int samplingRate) {
    this.encoded = encoded;
    this.samples = samples;
    this.samplingRate = samplingRate;
  }

  /** The bytes of a WAV, FLAC, MP3 or Ogg Vorbis file. */
  public static AudioInput encoded(byte[] bytes) {
    return new AudioInput(bytes, null, 0);
  }

  /** Mono samples in [-1, 1] at {@code samplingRate} Hz; 0 for the model's rate. */
  public static AudioInput samples(float[] samples, int samplingRate) {
    return new AudioInput(null, samples, samplingRate);
  }

  /** The decoded clip, within {@code limits}; {@code modelRate} stands in for a rate of 0. */
  public AudioClip clip(AudioLimits limits, int modelRate) {
    return finite(encoded != null ? new AudioDecoder(limits).decode(encoded) : raw(limits, modelRate));
  }

  private AudioClip raw(AudioLimits limits, int modelRate) {
    if (samples == null || samples.length == 0) {
      throw new InvalidInputException("audio has no samples");
    }
    if (samplingRate < 0) {
      throw new InvalidInputException("sampling rate must be positive, got " + samplingRate);
    }
    int rate = samplingRate == 0 ? modelRate : samplingRate;
    if (samples.length > limits.maxFrames(rate)) {
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "audio is %.1f s long, over the limit of %.1f s", (double) samples.length / rate, limits.maxSeconds()));
    }
    return AudioClip.mono(samples, rate);
  }

  /**
   * A NaN or infinite sample (float WAV, or an array column) would turn the whole row's normalized
   * input and scores into NaN, which transformers returns as if it were a prediction: an invalid row here.
   */
  private static AudioClip finite(AudioClip clip) {
    float[][] channels = clip.channels();
    for (int c = 0; c < channels.length; c++) {
      for (int i = 0; i < channels[c].length; i++) {
        if (!Float.isFinite(channels[c][i])) {
          throw new InvalidInputException("sample " + i + " of channel " + c + " is " + channels[c][i]
              + "; audio samples must be finite");
        }
      }
    }
    return clip;
  }
}
