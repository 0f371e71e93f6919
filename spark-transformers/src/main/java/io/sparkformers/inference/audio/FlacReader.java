package io.sparkformers.inference.audio;

import io.sparkformers.inference.task.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

/** FLAC through jFLAC (org.jflac:jflac-codec); STREAMINFO's sample count is checked first. */
final class FlacReader {
  private FlacReader() {}

  static AudioClip decode(byte[] bytes, AudioLimits limits) {
    FLACDecoder decoder = new FLACDecoder(new ByteArrayInputStream(bytes));
    try {
      StreamInfo info = decoder.readStreamInfo();
      if (info == null) {
        throw new InvalidInputException("FLAC stream has no STREAMINFO block");
      }
      long maxFrames = limits.maxFrames(info.getSampleRate());
      if (info.getTotalSamples() > maxFrames) {
        throw new InvalidInputException(String.format(
            "FLAC header declares %.1f s of audio, over the limit of %.1f s",
            (double) info.getTotalSamples() / info.getSampleRate(), limits.maxSeconds()));
      }
      decoder.readMetadata(info);
      PcmConverter converter = new PcmConverter(info.getAudioFormat());
      SampleAccumulator samples = new SampleAccumulator(info.getChannels(), maxFrames, "FLAC stream");
      ByteData pcm = null;
      for (Frame frame = decoder.readNextFrame(); frame != null; frame = decoder.readNextFrame()) {
        pcm = decoder.decodeFrame(frame, pcm);
        int frames = pcm.getLen() / converter.frameBytes();
        samples.append(converter.toChannels(pcm.getData(), frames), frames);
      }
      if (info.getTotalSamples() > 0 && decoder.getSamplesDecoded() < info.getTotalSamples()) {
        throw new InvalidInputException("truncated FLAC: header declares " + info.getTotalSamples()
            + " frames, stream holds " + decoder.getSamplesDecoded());
      }
      return samples.toClip(info.getSampleRate());
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException invalid) {
        throw invalid;
      }
      throw new InvalidInputException("corrupt FLAC: " + e, e);
    }
  }
}
