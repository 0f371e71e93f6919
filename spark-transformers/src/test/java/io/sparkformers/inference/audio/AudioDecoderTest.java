package io.sparkformers.inference.audio;

import static io.sparkformers.inference.audio.WavBytes.EXTENSIBLE;
import static io.sparkformers.inference.audio.WavBytes.IEEE_FLOAT;
import static io.sparkformers.inference.audio.WavBytes.PCM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.task.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding and the bad-audio corpus: every input decodes correctly or is an InvalidInputException. */
class AudioDecoderTest {
  /** Exactly representable in every sample format, so decoding must return them bit for bit. */
  private static final float[] EXACT = {-1f, -0.5f, 0f, 0.25f, 0.5f, -0.25f};

  private final AudioDecoder decoder = new AudioDecoder();

  @ParameterizedTest(name = "format tag {0}, {1}-bit")
  @CsvSource({"1, 8", "1, 16", "1, 24", "1, 32", "3, 32", "65534, 16", "65534, 24"})
  void wavSamplesAreScaledAsSoundfileReadsFloat32(int formatTag, int bits) {
    AudioClip clip = decoder.decode(WavBytes.of(formatTag, bits, 1, 16000, EXACT));
    assertEquals(16000, clip.sampleRate());
    assertArrayEquals(EXACT, clip.channels()[0]);
  }

  @Test
  void stereoWavKeepsChannelsApartAndMixesToTheirMean() {
    float[] interleaved = {0.5f, -0.5f, 0.25f, 0.75f, -1f, 0f};
    AudioClip clip = decoder.decode(WavBytes.of(PCM, 16, 2, 16000, interleaved));
    assertArrayEquals(new float[] {0.5f, 0.25f, -1f}, clip.channels()[0]);
    assertArrayEquals(new float[] {-0.5f, 0.75f, 0f}, clip.channels()[1]);
    assertArrayEquals(new float[] {0f, 0.5f, -0.5f}, clip.mixToMono());
  }

  @ParameterizedTest
  @CsvSource({"8000", "44100"})
  void wavKeepsItsSampleRate(int rate) {
    AudioClip clip = decoder.decode(WavBytes.of(PCM, 16, 1, rate, WavBytes.sine(440, 0.5, rate, 0.25)));
    assertEquals(rate, clip.sampleRate());
    assertEquals(Math.round(rate * 0.25), clip.frames());
  }

  @Test
  void fixtureWavDecodesToItsSixteenBitSamplesOver32768() {
    byte[] wav = Fixtures.bytes("inputs/audio/audio_0.5s.wav");
    AudioClip clip = decoder.decode(wav);
    assertEquals(16000, clip.sampleRate());
    assertEquals(8000, clip.frames());
    ByteBuffer data = ByteBuffer.wrap(wav, 44, 16000).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 8000; i++) {
      assertEquals(data.getShort() / 32768f, clip.channels()[0][i], "sample " + i);
    }
  }

  @Test
  void flacDecodesLosslesslyToTheSameSamplesAsTheWav() {
    AudioClip wav = decoder.decode(Fixtures.bytes("inputs/audio/codecs/tone.wav"));
    AudioClip flac = decoder.decode(Fixtures.bytes("inputs/audio/codecs/tone_16k_mono.flac"));
    assertEquals(16000, flac.sampleRate());
    assertArrayEquals(wav.channels()[0], flac.channels()[0]);
  }

  @Test
  void twentyFourBitStereoFlacDecodesBothChannels() {
    AudioClip clip = decoder.decode(Fixtures.bytes("inputs/audio/codecs/tone_44k_stereo_24bit.flac"));
    assertEquals(44100, clip.sampleRate());
    assertEquals(2, clip.channels().length);
    assertEquals(22050, clip.frames());
    assertEquals(0.5, peak(clip.channels()[1]), 1e-3);
  }

  @Test
  void mp3DecodesToTheEncodedTone() {
    AudioClip clip = decoder.decode(Fixtures.bytes("inputs/audio/codecs/tone_44k_mono.mp3"));
    assertEquals(44100, clip.sampleRate());
    assertEquals(1.0, clip.seconds(), 0.1);
    assertEquals(0.5, peak(clip.channels()[0]), 0.05);
  }

  @Test
  void oggVorbisDecodesToTheEncodedTone() {
    AudioClip clip = decoder.decode(Fixtures.bytes("inputs/audio/codecs/tone_44k_stereo.ogg"));
    assertEquals(44100, clip.sampleRate());
    assertEquals(2, clip.channels().length);
    assertEquals(44100, clip.frames());
    assertEquals(0.5, peak(clip.channels()[0]), 0.05);
  }

  @Test
  void truncatedWavIsRejected() {
    byte[] wav = WavBytes.of(PCM, 16, 1, 16000, WavBytes.sine(440, 0.5, 16000, 0.5));
    InvalidInputException e = assertThrows(
        InvalidInputException.class, () -> decoder.decode(Arrays.copyOf(wav, wav.length / 2)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void headerDeclaringTenHoursIsRejectedBeforeDecoding() {
    long tenHoursOfBytes = 10L * 3600 * 16000 * 2;
    byte[] wav = WavBytes.withHeader(PCM, 16, 1, 16000, new byte[3200], tenHoursOfBytes);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> decoder.decode(wav));
    assertTrue(e.getMessage().contains("declares 36000.0 s"), e.getMessage());
  }

  @Test
  void clipOverTheSecondsLimitIsRejected() {
    AudioDecoder strict = new AudioDecoder(new AudioLimits(1 << 20, 0.1));
    byte[] wav = WavBytes.of(PCM, 16, 1, 16000, WavBytes.sine(440, 0.5, 16000, 0.5));
    assertThrows(InvalidInputException.class, () -> strict.decode(wav));
  }

  @Test
  void inputOverTheByteLimitIsRejected() {
    AudioDecoder strict = new AudioDecoder(new AudioLimits(1000, 60));
    byte[] wav = WavBytes.of(PCM, 16, 1, 16000, WavBytes.sine(440, 0.5, 16000, 0.5));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> strict.decode(wav));
    assertTrue(e.getMessage().contains("over the limit of 1000"), e.getMessage());
  }

  @Test
  void zeroBytesAreRejected() {
    assertThrows(InvalidInputException.class, () -> decoder.decode(new byte[0]));
  }

  @Test
  void textBytesAreRejected() {
    byte[] text = "this is not audio, just a sentence".getBytes(StandardCharsets.UTF_8);
    assertThrows(InvalidInputException.class, () -> decoder.decode(text));
  }

  @Test
  void wavHeaderWithoutDataIsRejected() {
    byte[] wav = WavBytes.of(PCM, 16, 1, 16000, new float[0]);
    assertThrows(InvalidInputException.class, () -> decoder.decode(wav));
  }

  @Test
  void riffHeaderCutShortIsRejected() {
    byte[] wav = WavBytes.of(PCM, 16, 1, 16000, EXACT);
    assertThrows(InvalidInputException.class, () -> decoder.decode(Arrays.copyOf(wav, 20)));
  }

  @Test
  void corruptFlacIsRejected() {
    byte[] flac = Fixtures.bytes("inputs/audio/codecs/tone_16k_mono.flac");
    assertThrows(InvalidInputException.class, () -> decoder.decode(Arrays.copyOf(flac, flac.length / 2)));
  }

  @Test
  void oggWithoutVorbisIsRejected() {
    byte[] ogg = "OggS and then nothing that parses".getBytes(StandardCharsets.US_ASCII);
    assertThrows(InvalidInputException.class, () -> decoder.decode(ogg));
  }

  private static double peak(float[] samples) {
    double peak = 0;
    for (float s : samples) {
      peak = Math.max(peak, Math.abs(s));
    }
    return peak;
  }
}
