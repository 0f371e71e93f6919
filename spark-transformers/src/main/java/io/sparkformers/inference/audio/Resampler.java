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
  /**
   * Kernels are kept when all phases together have at most this many taps (16 MB); past it (a rate
   * prime to the target and large, as a hostile header declares: 2^31 - 1 Hz would need 25 billion)
   * each output sample computes its taps afresh, so memory stays at one kernel row.
   */
  private static final long MAX_KEPT_TAPS = 1L << 22;

  private final int orig;
  private final int target;
  private final int width;
  private final double baseFreq;
  private final Kernel[] kept;

  /** One output phase's non-zero taps, the first at input offset {@code first} (before padding). */
  private record Kernel(long first, float[] taps) {}

  public Resampler(int origRate, int newRate) {
    if (origRate <= 0 || newRate <= 0) {
      throw new IllegalArgumentException("rates must be positive: " + origRate + " -> " + newRate);
    }
    int gcd = gcd(origRate, newRate);
    this.orig = origRate / gcd;
    this.target = newRate / gcd;
    this.baseFreq = Math.min(orig, target) * ROLLOFF;
    this.width = (int) Math.ceil((double) LOWPASS_FILTER_WIDTH * orig / baseFreq); // double: 6 x orig passes 2^31
    long tapsPerPhase = (long) Math.ceil(2.0 * LOWPASS_FILTER_WIDTH * orig / baseFreq) + 2;
    this.kept = (long) target * tapsPerPhase <= MAX_KEPT_TAPS ? new Kernel[target] : null;
    if (kept != null) {
      for (int phase = 0; phase < target; phase++) kept[phase] = kernel(phase);
    }
  }

  /** torchaudio's kernel row for one output phase, restricted to |t| < lowpass_filter_width. */
  private Kernel kernel(int phase) {
    double centre = (double) phase / target;
    double reach = LOWPASS_FILTER_WIDTH / baseFreq;
    // long: width + orig passes 2^31 when a header declares a rate near it
    long lo = Math.max(0, (long) Math.floor(width + orig * (centre - reach)));
    long hi = Math.min(2L * width + orig - 1, (long) Math.ceil(width + orig * (centre + reach)));
    float[] row = new float[Math.toIntExact(hi - lo + 1)];
    double scale = baseFreq / orig;
    for (long k = lo; k <= hi; k++) {
      double t = ((double) (k - width) / orig - centre) * baseFreq;
      t = Math.max(-LOWPASS_FILTER_WIDTH, Math.min(LOWPASS_FILTER_WIDTH, t));
      double window = Math.pow(Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2), 2);
      double x = t * Math.PI;
      double sinc = x == 0 ? 1.0 : Math.sin(x) / x;
      row[(int) (k - lo)] = (float) (sinc * window * scale);
    }
    return new Kernel(lo, row);
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
      Kernel kernel = kept != null ? kept[phase] : kernel(phase);
      // conv1d over the input padded by `width` zeros on the left: tap k reads x[block*orig + k - width]
      long start = (long) block * orig + kernel.first() - width;
      float[] row = kernel.taps();
      double acc = 0;
      int from = (int) Math.max(0, -start);
      int to = (int) Math.min(row.length, length - start);
      for (int k = from; k < to; k++) {
        acc += row[k] * samples[(int) (start + k)];
      }
      out[m] = (float) acc;
    }
    return out;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
