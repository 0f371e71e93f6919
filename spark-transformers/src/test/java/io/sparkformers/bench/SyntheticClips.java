package io.sparkformers.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Deterministic benchmark clips: clip i is 1-30 s of three sines plus noise, 16 kHz mono PCM16 WAV.
 * Durations are sample-exact random lengths, or whole seconds ({@code wholeSeconds}) so that clips
 * of equal length exist, which is what lets a model without an attention mask batch them.
 */
final class SyntheticClips {
  static final int RATE = 16_000;
  private static final int HEADER = 44;

  private SyntheticClips() {}

  static int samples(long clip, boolean wholeSeconds) {
    SplittableRandom random = new SplittableRandom(clip * 7919 + 17);
    double seconds = 1 + random.nextDouble() * 29;
    return wholeSeconds ? (int) Math.round(seconds) * RATE : (int) (seconds * RATE);
  }

  static byte[] wav(long clip, boolean wholeSeconds) {
    int n = samples(clip, wholeSeconds);
    SplittableRandom random = new SplittableRandom(clip);
    ByteBuffer out = ByteBuffer.allocate(HEADER + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
    out.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + 2 * n)
        .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
        .putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(2 * RATE).putShort((short) 2).putShort((short) 16)
        .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(2 * n);
    // each sine as a rotating phasor: one multiply per sample instead of Math.sin
    double[] cos = new double[3];
    double[] sin = new double[3];
    double[] x = new double[3];
    double[] y = new double[3];
    for (int k = 0; k < 3; k++) {
      double w = 2 * Math.PI * (100 + random.nextDouble() * 3000) / RATE;
      cos[k] = Math.cos(w);
      sin[k] = Math.sin(w);
      x[k] = 0.2;
    }
    for (int i = 0; i < n; i++) {
      double v = (random.nextDouble() - 0.5) * 0.1;
      for (int k = 0; k < 3; k++) {
        double nx = x[k] * cos[k] - y[k] * sin[k];
        y[k] = x[k] * sin[k] + y[k] * cos[k];
        x[k] = nx;
        v += x[k];
      }
      out.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
    }
    return out.array();
  }

  /** The PCM16 samples of a clip from {@link #wav}, scaled as soundfile reads them (1 / 32768). */
  static float[] pcm(byte[] wav) {
    ByteBuffer in = ByteBuffer.wrap(wav, HEADER, wav.length - HEADER).order(ByteOrder.LITTLE_ENDIAN);
    float[] samples = new float[(wav.length - HEADER) / 2];
    for (int i = 0; i < samples.length; i++) samples[i] = in.getShort() / 32768f;
    return samples;
  }
}
