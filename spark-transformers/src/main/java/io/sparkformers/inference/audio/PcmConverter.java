package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.InvalidInputException;
import javax.sound.sampled.AudioFormat;

/**
 * Interleaved PCM bytes to per-channel floats, scaled as soundfile reads them as float32: signed
 * n-bit integers divided by 2^(n-1), unsigned 8-bit centred on 128, IEEE floats as stored.
 */
final class PcmConverter {
  private final AudioFormat format;
  private final int bytesPerSample;
  private final int channels;

  PcmConverter(AudioFormat format) {
    AudioFormat.Encoding encoding = format.getEncoding();
    int bits = format.getSampleSizeInBits();
    boolean supported =
        (encoding.equals(AudioFormat.Encoding.PCM_SIGNED) && bits >= 8 && bits <= 32 && bits % 8 == 0)
            || (encoding.equals(AudioFormat.Encoding.PCM_UNSIGNED) && bits == 8)
            || (encoding.equals(AudioFormat.Encoding.PCM_FLOAT) && (bits == 32 || bits == 64));
    if (!supported || format.getChannels() < 1) {
      throw new InvalidInputException("unsupported sample format: " + format);
    }
    this.format = format;
    this.bytesPerSample = bits / 8;
    this.channels = format.getChannels();
  }

  int frameBytes() {
    return bytesPerSample * channels;
  }

  /** Converts the first {@code frames} whole frames of {@code pcm}. */
  float[][] toChannels(byte[] pcm, int frames) {
    float[][] out = new float[channels][frames];
    int offset = 0;
    for (int frame = 0; frame < frames; frame++) {
      for (int channel = 0; channel < channels; channel++) {
        out[channel][frame] = sample(pcm, offset);
        offset += bytesPerSample;
      }
    }
    return out;
  }

  private float sample(byte[] pcm, int offset) {
    long raw = 0;
    for (int i = 0; i < bytesPerSample; i++) {
      int b = pcm[offset + (format.isBigEndian() ? i : bytesPerSample - 1 - i)] & 0xFF;
      raw = (raw << 8) | b;
    }
    int bits = bytesPerSample * 8;
    AudioFormat.Encoding encoding = format.getEncoding();
    if (encoding.equals(AudioFormat.Encoding.PCM_FLOAT)) {
      return bits == 32 ? Float.intBitsToFloat((int) raw) : (float) Double.longBitsToDouble(raw);
    }
    if (encoding.equals(AudioFormat.Encoding.PCM_UNSIGNED)) {
      return (raw - 128) / 128f;
    }
    long signed = (raw << (64 - bits)) >> (64 - bits);
    return (float) (signed / Math.pow(2, bits - 1));
  }
}
