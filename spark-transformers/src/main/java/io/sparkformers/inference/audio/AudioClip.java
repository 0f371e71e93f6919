package io.sparkformers.inference.audio;

/**
 * Decoded audio: one float array per channel, scaled to [-1, 1) as soundfile reads float32
 * (int16 / 32768, int24 / 2^23, ...), and the rate it was recorded at.
 */
public record AudioClip(float[][] channels, int sampleRate) {

  public AudioClip {
    if (channels.length == 0) {
      throw new IllegalArgumentException("a clip needs at least one channel");
    }
    for (float[] channel : channels) {
      if (channel.length != channels[0].length) {
        throw new IllegalArgumentException("channels differ in length");
      }
    }
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }
  }

  /** A single-channel clip, as from an array<float> column with a sampling rate. */
  public static AudioClip mono(float[] samples, int sampleRate) {
    return new AudioClip(new float[][] {samples}, sampleRate);
  }

  public int frames() {
    return channels[0].length;
  }

  public double seconds() {
    return (double) frames() / sampleRate;
  }

  /** The mean of the channels, as the HF pipelines mix multi-channel input down before extraction. */
  public float[] mixToMono() {
    if (channels.length == 1) {
      return channels[0];
    }
    float[] mono = new float[frames()];
    for (int i = 0; i < mono.length; i++) {
      double sum = 0;
      for (float[] channel : channels) {
        sum += channel[i];
      }
      mono[i] = (float) (sum / channels.length);
    }
    return mono;
  }
}
