package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The resampler against reference signals. Away from the edges (where torchaudio's zero padding
 * tapers the signal) a pass-band sine must come out as the same sine at the new rate, and a tone
 * above the new Nyquist frequency must be filtered out rather than aliased to a lower one.
 */
class ResamplerTest {

  @ParameterizedTest(name = "{0} Hz -> {1} Hz")
  @CsvSource({"44100, 16000", "48000, 16000", "22050, 16000", "8000, 16000", "16000, 16000", "44101, 16000"})
  void passBandSineKeepsAmplitudeFrequencyAndPhase(int from, int to) {
    float[] input = WavBytes.sine(1000, 0.5, from, 0.5);
    float[] output = Resampler.resample(input, from, to);
    float[] expected = WavBytes.sine(1000, 0.5, to, 0.5);
    assertEquals((int) Math.ceil((double) to * input.length / from), output.length);
    int edge = to / 50; // 20 ms, far beyond the kernel's reach
    for (int i = edge; i < output.length - edge; i++) {
      assertEquals(expected[i], output[i], 2e-3, "sample " + i);
    }
    assertEquals(0.5, amplitudeAt(1000, output, to, edge), 2e-3);
  }

  @Test
  void toneAboveTheNewNyquistIsSuppressedNotAliased() {
    // 10 kHz at 48 kHz: above 8 kHz, the Nyquist rate of 16 kHz. Without a low-pass it would
    // fold to 16 - 10 = 6 kHz at full amplitude, as linear interpolation does.
    float[] input = WavBytes.sine(10000, 0.5, 48000, 0.5);
    float[] output = Resampler.resample(input, 48000, 16000);
    int edge = 320;
    assertTrue(amplitudeAt(6000, output, 16000, edge) < 5e-3, "aliased 6 kHz component");
    assertTrue(rms(output, edge) < 5e-3, "residual energy " + rms(output, edge));
  }

  /**
   * torchaudio's resample on a recorded signal (reference/resampler, made by
   * spark-transformers/src/test/tools/resampler/make_reference.py): every output sample.
   */
  @Test
  void recordedSignalMatchesTorchaudio() {
    JsonNode reference = io.sparkformers.testing.Fixtures.json("reference/resampler/torchaudio_resample.json");
    AudioClip clip = new AudioDecoder().decode(Fixtures.bytes("inputs/audio/audio_1.0s.wav"));
    float[] signal = java.util.Arrays.copyOf(clip.channels()[0], 2000);
    assertEquals(8, reference.get("cases").size());
    for (JsonNode c : reference.get("cases")) {
      int from = c.get("orig_rate").asInt();
      int to = c.get("new_rate").asInt();
      float[] output = Resampler.resample(signal, from, to);
      // the kernel is computed in double here: within 1e-6 of the formula in float64; torchaudio's
      // float32 output differs from its own float64 one by up to 1.2e-5 on these cases
      JsonNode float32 = c.get("output");
      JsonNode float64 = c.get("output_float64");
      assertEquals(float32.size(), output.length, from + " -> " + to);
      for (int i = 0; i < output.length; i++) {
        assertEquals(float64.get(i).doubleValue(), output[i], 1e-6, from + " -> " + to + ", sample " + i);
        assertEquals(float32.get(i).doubleValue(), output[i], 5e-5, from + " -> " + to + ", sample " + i);
      }
    }
  }

  /**
   * A header may declare any rate: one prime to the target and near 2^31 would need 25 billion
   * kernel taps if every phase were kept; the taps are computed per output sample instead.
   */
  @ParameterizedTest(name = "{0} Hz")
  @CsvSource({"2147483647", "9999991", "10000000"})
  void hugeDeclaredRatesResampleWithoutHugeKernels(int from) {
    float[] input = WavBytes.sine(1000, 0.5, 16000, 0.25);
    float[] output = Resampler.resample(input, from, 16000);
    assertEquals((int) Math.ceil(16000.0 * input.length / from), output.length);
    for (float v : output) assertTrue(Float.isFinite(v) && Math.abs(v) <= 1, "sample " + v);
  }

  @Test
  void sameRateIsACopy() {
    float[] input = {0.1f, -0.2f, 0.3f};
    float[] output = Resampler.resample(input, 16000, 16000);
    assertArrayEquals(input, output);
  }

  @Test
  void upsamplingByTwoInterpolatesBetweenSamples() {
    // An impulse becomes the kernel itself: 1 at the original instant (scaled by rolloff) and a
    // band-limited ring of decaying sinc lobes, zero-phase (symmetric about the impulse).
    float[] impulse = new float[64];
    impulse[32] = 1;
    float[] output = Resampler.resample(impulse, 8000, 16000);
    assertEquals(128, output.length);
    assertEquals(0.99, output[64], 1e-3);
    for (int k = 1; k < 12; k++) {
      assertEquals(output[64 - k], output[64 + k], 1e-6, "symmetry at lag " + k);
    }
  }

  /** Amplitude of the {@code hz} component over the interior, by projection on sin and cos. */
  private static double amplitudeAt(double hz, float[] x, int rate, int edge) {
    double s = 0;
    double c = 0;
    int n = 0;
    for (int i = edge; i < x.length - edge; i++, n++) {
      double phase = 2 * Math.PI * hz * i / rate;
      s += x[i] * Math.sin(phase);
      c += x[i] * Math.cos(phase);
    }
    return 2 * Math.hypot(s, c) / n;
  }

  private static double rms(float[] x, int edge) {
    double sum = 0;
    for (int i = edge; i < x.length - edge; i++) {
      sum += x[i] * x[i];
    }
    return Math.sqrt(sum / (x.length - 2 * edge));
  }
}
