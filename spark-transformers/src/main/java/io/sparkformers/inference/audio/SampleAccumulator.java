package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.InvalidInputException;
import java.util.Arrays;

/**
 * Collects the frames a streaming decoder (FLAC, MP3, Vorbis) emits, refusing to grow past the
 * frame limit, so a stream whose header lies about its length still cannot exhaust memory.
 */
final class SampleAccumulator {
  private final long maxFrames;
  private final String what;
  private float[][] channels;
  private int frames;

  SampleAccumulator(int channelCount, long maxFrames, String what) {
    this.channels = new float[channelCount][1024];
    this.maxFrames = maxFrames;
    this.what = what;
  }

  /** Appends {@code count} frames from per-channel arrays. */
  void append(float[][] source, int count) {
    if (source.length != channels.length) {
      throw new InvalidInputException(what + " changes its channel count mid-stream");
    }
    if ((long) frames + count > maxFrames) {
      throw new InvalidInputException(what + " is longer than the limit of " + maxFrames + " frames");
    }
    if (frames + count > channels[0].length) {
      int capacity = Math.max(frames + count, channels[0].length * 2);
      for (int c = 0; c < channels.length; c++) {
        channels[c] = Arrays.copyOf(channels[c], capacity);
      }
    }
    for (int c = 0; c < channels.length; c++) {
      System.arraycopy(source[c], 0, channels[c], frames, count);
    }
    frames += count;
  }

  /** Drops frames past {@code count}: the padding a codec's last block decodes beyond the stream end. */
  void keepFirst(long count) {
    frames = (int) Math.min(frames, Math.max(0, count));
  }

  AudioClip toClip(int sampleRate) {
    if (frames == 0) {
      throw new InvalidInputException(what + " holds no audio frames");
    }
    float[][] trimmed = new float[channels.length][];
    for (int c = 0; c < channels.length; c++) {
      trimmed[c] = Arrays.copyOf(channels[c], frames);
    }
    return new AudioClip(trimmed, sampleRate);
  }
}
