package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * WAV through javax.sound.sampled, whose JDK readers cover PCM 8/16/24/32-bit, IEEE float and
 * WAVE_FORMAT_EXTENSIBLE. The header's declared length is checked against the limits before any
 * sample is read, and a data chunk shorter than declared is reported as truncated.
 */
final class WavReader {
  private WavReader() {}

  static AudioClip decode(byte[] bytes, AudioLimits limits) {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
      AudioFormat format = in.getFormat();
      PcmConverter converter = new PcmConverter(format);
      long declaredFrames = in.getFrameLength();
      long maxFrames = limits.maxFrames(format.getFrameRate());
      if (declaredFrames > maxFrames) {
        throw new InvalidInputException(String.format(
            "WAV header declares %.1f s of audio, over the limit of %.1f s",
            declaredFrames / format.getFrameRate(), limits.maxSeconds()));
      }
      byte[] pcm = in.readAllBytes();
      int frames = pcm.length / converter.frameBytes();
      if (declaredFrames != AudioSystem.NOT_SPECIFIED && frames < declaredFrames) {
        throw new InvalidInputException(
            "truncated WAV: header declares " + declaredFrames + " frames, data holds " + frames);
      }
      if (frames == 0) {
        throw new InvalidInputException("WAV holds no audio frames");
      }
      return new AudioClip(converter.toChannels(pcm, frames), Math.round(format.getSampleRate()));
    } catch (UnsupportedAudioFileException e) {
      throw new InvalidInputException("unreadable WAV header: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException("corrupt WAV: " + e.getMessage(), e);
    }
  }
}
