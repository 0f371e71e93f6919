package io.sparkformers.testing.hostile;

import static io.sparkformers.inference.audio.WavBytes.IEEE_FLOAT;
import static io.sparkformers.inference.audio.WavBytes.PCM;
import static io.sparkformers.testing.hostile.HostileInput.concat;
import static io.sparkformers.testing.hostile.HostileInput.either;
import static io.sparkformers.testing.hostile.HostileInput.invalid;
import static io.sparkformers.testing.hostile.HostileInput.valid;

import io.sparkformers.inference.audio.WavBytes;
import io.sparkformers.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile audio: WAV headers that lie about length, rate, channels and sample size; zero channels;
 * 1 Hz and 10 MHz rates; NaN and infinite float samples; truncations of the fixture MP3, Ogg Vorbis
 * and FLAC files (every cut in their first 64 bytes, then 40 spread over the rest).
 */
public final class HostileAudio {
  private static final int RATE = 16_000;

  private HostileAudio() {}

  public static List<HostileInput> cases() {
    List<HostileInput> out = new ArrayList<>();
    float[] tone = WavBytes.sine(440, 0.5, RATE, 0.25);
    byte[] pcm16 = pcm16(tone);

    out.add(valid("WAV as written", WavBytes.of(PCM, 16, 1, RATE, tone)));
    out.add(invalid("WAV declaring twice its data", WavBytes.withHeader(PCM, 16, 1, RATE, pcm16, 2L * pcm16.length)));
    out.add(invalid("WAV declaring 1 GB of data", WavBytes.withHeader(PCM, 16, 1, RATE, pcm16, 1L << 30)));
    out.add(either("WAV declaring 0xFFFFFFFF bytes (streaming)", WavBytes.withHeader(PCM, 16, 1, RATE, pcm16, 0xFFFFFFFFL)));
    out.add(either("WAV declaring half its data", WavBytes.withHeader(PCM, 16, 1, RATE, pcm16, pcm16.length / 2)));
    out.add(invalid("WAV declaring no data", WavBytes.withHeader(PCM, 16, 1, RATE, pcm16, 0)));
    out.add(either("WAV declaring an odd byte count", WavBytes.withHeader(PCM, 16, 1, RATE, pcm16, pcm16.length - 1)));
    out.add(invalid("WAV declaring 10 hours", WavBytes.withHeader(PCM, 16, 1, RATE, pcm16, 10L * 3600 * RATE * 2)));
    out.add(either("WAV with a RIFF size of 0", riffSize(WavBytes.of(PCM, 16, 1, RATE, tone), 0)));
    out.add(either("WAV with a RIFF size of 0xFFFFFFFF", riffSize(WavBytes.of(PCM, 16, 1, RATE, tone), -1)));

    for (int rate : new int[] {0, -16_000, Integer.MIN_VALUE}) {
      out.add(invalid("WAV at " + rate + " Hz", WavBytes.of(PCM, 16, 1, rate, tone)));
    }
    out.add(either("WAV at 1 Hz, 3 samples", WavBytes.of(PCM, 16, 1, 1, Arrays.copyOf(tone, 3))));
    out.add(invalid("WAV at 1 Hz, 4000 samples (over an hour)", WavBytes.of(PCM, 16, 1, 1, Arrays.copyOf(tone, 4000))));
    out.add(either("WAV at 7 Hz", WavBytes.of(PCM, 16, 1, 7, Arrays.copyOf(tone, 20))));
    out.add(either("WAV at 10 MHz", WavBytes.of(PCM, 16, 1, 10_000_000, tone)));
    out.add(either("WAV at 9,999,991 Hz (prime)", WavBytes.of(PCM, 16, 1, 9_999_991, tone)));
    out.add(either("WAV at 44,101 Hz (prime to 16 kHz)", WavBytes.of(PCM, 16, 1, 44_101, tone)));
    out.add(either("WAV at 2^31-1 Hz", WavBytes.of(PCM, 16, 1, Integer.MAX_VALUE, tone)));

    out.add(invalid("WAV with 0 channels", WavBytes.withHeader(PCM, 16, 0, RATE, pcm16, pcm16.length)));
    out.add(either("WAV declaring 2 channels over mono data", WavBytes.withHeader(PCM, 16, 2, RATE, pcm16, pcm16.length)));
    out.add(either("WAV declaring 3 channels over mono data", WavBytes.withHeader(PCM, 16, 3, RATE, pcm16, pcm16.length)));
    out.add(either("WAV declaring 65535 channels", WavBytes.withHeader(PCM, 16, 65_535, RATE, pcm16, pcm16.length)));
    out.add(valid("WAV with 8 channels", WavBytes.of(PCM, 16, 8, RATE, Arrays.copyOf(tone, 8 * 500))));
    for (int bits : new int[] {0, 1, 4, 7, 12, 20, 40, 64, 128}) {
      out.add(either("WAV declaring " + bits + "-bit PCM", WavBytes.withHeader(PCM, bits, 1, RATE, pcm16, pcm16.length)));
    }
    for (int tag : new int[] {0, 2, 6, 7, 0x55, 0x1234}) {
      out.add(invalid("WAV with format tag " + tag, WavBytes.withHeader(tag, 16, 1, RATE, pcm16, pcm16.length)));
    }
    out.add(either("WAV with a zero block align", blockAlign(WavBytes.of(PCM, 16, 1, RATE, tone), 0)));
    out.add(either("WAV with a lying block align", blockAlign(WavBytes.of(PCM, 16, 1, RATE, tone), 7)));

    float[] nan = tone.clone();
    nan[100] = Float.NaN;
    out.add(invalid("float WAV with one NaN", WavBytes.of(IEEE_FLOAT, 32, 1, RATE, nan)));
    float[] allNan = new float[4000];
    Arrays.fill(allNan, Float.NaN);
    out.add(invalid("float WAV of NaN only", WavBytes.of(IEEE_FLOAT, 32, 1, RATE, allNan)));
    float[] inf = tone.clone();
    inf[0] = Float.POSITIVE_INFINITY;
    out.add(invalid("float WAV starting with +Inf", WavBytes.of(IEEE_FLOAT, 32, 1, RATE, inf)));
    float[] negInf = tone.clone();
    negInf[negInf.length - 1] = Float.NEGATIVE_INFINITY;
    out.add(invalid("float WAV ending with -Inf", WavBytes.of(IEEE_FLOAT, 32, 1, RATE, negInf)));
    float[] stereoNan = new float[2000];
    stereoNan[1001] = Float.NaN;
    out.add(invalid("stereo float WAV with NaN in one channel", WavBytes.of(IEEE_FLOAT, 32, 2, RATE, stereoNan)));
    float[] huge = tone.clone();
    for (int i = 0; i < huge.length; i++) huge[i] *= 1e30f;
    out.add(either("float WAV of samples near 1e30", WavBytes.of(IEEE_FLOAT, 32, 1, RATE, huge)));
    float[] tiny = tone.clone();
    for (int i = 0; i < tiny.length; i++) tiny[i] = Float.MIN_VALUE * (i % 3);
    out.add(valid("float WAV of subnormals", WavBytes.of(IEEE_FLOAT, 32, 1, RATE, tiny)));
    out.add(valid("silence", WavBytes.of(PCM, 16, 1, RATE, new float[4000])));
    // shorter than the model's first convolution: the engine's error, as a bad row
    out.add(either("one sample", WavBytes.of(PCM, 16, 1, RATE, new float[] {0.5f})));

    for (String file : new String[] {"tone_44k_mono.mp3", "tone_44k_stereo.ogg", "tone_16k_mono.flac"}) {
      out.addAll(cuts(file, fixture("inputs/audio/codecs/" + file)));
    }
    Random random = new Random(11);
    for (String magic : new String[] {"RIFF\u0010\0\0\0WAVE", "fLaC", "OggS", "ID3\u0004\0\0\0\0\0\0", "\u00FF\u00FB"}) {
      byte[] head = magic.getBytes(StandardCharsets.ISO_8859_1);
      byte[] noise = new byte[2000];
      random.nextBytes(noise);
      out.add(either("magic " + magic.substring(0, Math.min(4, magic.length())).trim() + " then garbage", concat(head, noise)));
    }
    out.add(invalid("text", "this is not audio, just a sentence".getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  /** Cuts at every byte of the first 64, then at 40 points spread over the rest; the whole file is valid. */
  private static List<HostileInput> cuts(String name, byte[] whole) {
    List<HostileInput> out = new ArrayList<>();
    out.add(invalid(name + " cut at 0", new byte[0]));
    for (int n = 1; n < 64; n++) out.add(either(name + " cut at " + n, Arrays.copyOf(whole, n)));
    for (int k = 0; k < 40; k++) {
      int n = 64 + (int) ((long) (whole.length - 64) * k / 40);
      out.add(either(name + " cut at " + n, Arrays.copyOf(whole, n)));
    }
    out.add(valid(name + " whole", whole));
    return out;
  }

  private static byte[] fixture(String path) {
    try {
      return Files.readAllBytes(Fixtures.model(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] pcm16(float[] samples) {
    ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float s : samples) b.putShort((short) Math.round(s * 32767));
    return b.array();
  }

  private static byte[] riffSize(byte[] wav, int size) {
    byte[] out = wav.clone();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(4, size);
    return out;
  }

  private static byte[] blockAlign(byte[] wav, int align) {
    byte[] out = wav.clone();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(32, (short) align);
    return out;
  }

}
