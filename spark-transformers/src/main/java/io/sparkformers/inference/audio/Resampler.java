package io.sparkformers.inference.audio;

/**
 * Band-limited resampling as torchaudio.functional.resample does it by default
 * (sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99): the rates are reduced by their gcd,
 * each of the {@code new} output phases gets a Hann-windowed sinc kernel with its cutoff at
 * 0.99 x the lower Nyquist rate, the input is zero-padded at both ends, and the output has
 * ceil(new * length / orig) samples. Kernels keep only their non-zero taps, so memory stays small
 * even when the reduced rates are large (44 101 Hz -> 16 000 Hz).
 */
public final class Resampler {
  private static final int LOWPASS_FILTER_WIDTH = 6;
  private static final double ROLLOFF = 0.99;

  private final int orig;
  private final int target;
  private final int width;
  private final int[] firstTap;
  private final float[][] taps;

  public Resampler(int origRate, int newRate) {
    if (origRate <= 0 || newRate <= 0) {
      throw new IllegalArgumentException("rates must be positive: " + origRate + " -> " + newRate);
    }
    int gcd = gcd(origRate, newRate);
    this.orig = origRate / gcd;
    this.target = newRate / gcd;
    double baseFreq = Math.min(orig, target) * ROLLOFF;
    this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / baseFreq);
    this.firstTap = new int[target];
    this.taps = new float[target][];
    for (int phase = 0; phase < target; phase++) {
      kernel(phase, baseFreq);
    }
  }

  /** torchaudio's kernel row for one output phase, restricted to |t| < lowpass_filter_width. */
  private void kernel(int phase, double baseFreq) {
    double centre = (double) phase / target;
    double reach = LOWPASS_FILTER_WIDTH / baseFreq;
    int lo = Math.max(0, (int) Math.floor(width + orig * (centre - reach)));
    int hi = Math.min(2 * width + orig - 1, (int) Math.ceil(width + orig * (centre + reach)));
    float[] row = new float[hi - lo + 1];
    double scale = baseFreq / orig;
    for (int k = lo; k <= hi; k++) {
      double t = ((double) (k - width) / orig - centre) * baseFreq;
      t = Math.max(-LOWPASS_FILTER_WIDTH, Math.min(LOWPASS_FILTER_WIDTH, t));
      double window = Math.pow(Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2), 2);
      double x = t * Math.PI;
      double sinc = x == 0 ? 1.0 : Math.sin(x) / x;
      row[k - lo] = (float) (sinc * window * scale);
    }
    firstTap[phase] = lo;
    taps[phase] = row;
  }

  public static float[] resample(float[] samples, int origRate, int newRate) {
    // no copy when the rates match: callers read the result and write only to new arrays
    return origRate == newRate ? samples : new Resampler(origRate, newRate).apply(samples);
  }

  public float[] apply(float[] samples) {
    int length = samples.length;
    int outLength = (int) (((long) target * length + orig - 1) / orig);
    float[] out = new float[outLength];
    for (int m = 0; m < outLength; m++) {
      int block = m / target;
      int phase = m % target;
      // conv1d over the input padded by `width` zeros on the left: tap k reads x[block*orig + k - width]
      int start = block * orig + firstTap[phase] - width;
      float[] row = taps[phase];
      double acc = 0;
      int from = Math.max(0, -start);
      int to = Math.min(row.length, length - start);
      for (int k = from; k < to; k++) {
        acc += row[k] * samples[start + k];
      }
      out[m] = (float) acc;
    }
    return out;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
