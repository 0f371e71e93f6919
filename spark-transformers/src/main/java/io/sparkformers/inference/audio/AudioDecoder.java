package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encoded audio bytes to an {@link AudioClip}. The container is told by its magic bytes, so each
 * format goes to exactly one decoder and bytes that are not audio are rejected instead of being
 * guessed at: WAV (javax.sound.sampled), FLAC (jFLAC), MP3 (JLayer), Ogg Vorbis (JOrbis).
 * Every failure on bad input is an {@link InvalidInputException}, a per-row error for the caller.
 */
public final class AudioDecoder {
  private final AudioLimits limits;

  public AudioDecoder(AudioLimits limits) {
    this.limits = limits;
  }

  public AudioDecoder() {
    this(AudioLimits.DEFAULT);
  }

  public AudioClip decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidInputException("empty audio bytes");
    }
    if (bytes.length > limits.maxBytes()) {
      throw new InvalidInputException(
          "audio is " + bytes.length + " bytes, over the limit of " + limits.maxBytes());
    }
    if (startsWith(bytes, 0, "RIFF") && startsWith(bytes, 8, "WAVE")) {
      return WavReader.decode(bytes, limits);
    }
    if (startsWith(bytes, 0, "fLaC")) {
      return FlacReader.decode(bytes, limits);
    }
    if (startsWith(bytes, 0, "OggS")) {
      return OggVorbisReader.decode(bytes, limits);
    }
    if (startsWith(bytes, 0, "ID3") || isMpegFrameSync(bytes)) {
      return Mp3Reader.decode(bytes, limits);
    }
    throw new InvalidInputException(
        "not a recognised audio format (WAV, FLAC, MP3, Ogg Vorbis); starts with "
            + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 4))));
  }

  private static boolean startsWith(byte[] bytes, int offset, String magic) {
    byte[] expected = magic.getBytes(StandardCharsets.US_ASCII);
    return bytes.length >= offset + expected.length
        && Arrays.equals(bytes, offset, offset + expected.length, expected, 0, expected.length);
  }

  /** An MPEG audio frame header starts with 11 set bits. */
  private static boolean isMpegFrameSync(byte[] bytes) {
    return bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xE0) == 0xE0;
  }
}
