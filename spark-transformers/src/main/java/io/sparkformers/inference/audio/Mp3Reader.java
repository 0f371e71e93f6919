package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.InvalidInputException;
import java.io.ByteArrayInputStream;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.JavaLayerException;
import javazoom.jl.decoder.SampleBuffer;

/**
 * MP3 through JLayer (com.googlecode.soundlibs:jlayer), 16-bit output scaled by 1/32768. MP3 has
 * no reliable length field, so the duration limit is enforced frame by frame while decoding.
 * JLayer does not trim the encoder delay that ffmpeg removes from LAME-tagged files, so a clip
 * starts a few milliseconds later than ffmpeg's decode of it.
 */
final class Mp3Reader {
  private Mp3Reader() {}

  static AudioClip decode(byte[] bytes, AudioLimits limits) {
    Bitstream stream = new Bitstream(new ByteArrayInputStream(bytes));
    Decoder decoder = new Decoder();
    SampleAccumulator samples = null;
    int sampleRate = 0;
    try {
      for (Header header = stream.readFrame(); header != null; header = stream.readFrame()) {
        SampleBuffer pcm = (SampleBuffer) decoder.decodeFrame(header, stream);
        int channels = pcm.getChannelCount();
        if (samples == null) {
          sampleRate = pcm.getSampleFrequency();
          samples = new SampleAccumulator(channels, limits.maxFrames(sampleRate), "MP3 stream");
        }
        int frames = pcm.getBufferLength() / channels;
        float[][] block = new float[channels][frames];
        short[] interleaved = pcm.getBuffer();
        for (int i = 0; i < frames * channels; i++) {
          block[i % channels][i / channels] = interleaved[i] / 32768f;
        }
        samples.append(block, frames);
        stream.closeFrame();
      }
    } catch (JavaLayerException | RuntimeException e) {
      if (e instanceof InvalidInputException invalid) {
        throw invalid;
      }
      throw new InvalidInputException("corrupt MP3: " + e, e);
    }
    if (samples == null) {
      throw new InvalidInputException("MP3 stream holds no frames");
    }
    return samples.toClip(sampleRate);
  }
}
