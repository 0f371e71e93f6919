package io.sparkformers.inference.audio;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import io.sparkformers.inference.task.InvalidInputException;
import java.util.Arrays;

/**
 * Ogg Vorbis through JOrbis (com.googlecode.soundlibs:jorbis), following its DecodeExample: the
 * three header packets, then packets to float PCM. The first logical stream is decoded; Vorbis
 * output is already float in [-1, 1], as soundfile returns it. The length is enforced while
 * decoding, since only the last page's granule position would tell it up front.
 */
final class OggVorbisReader {
  private OggVorbisReader() {}

  static AudioClip decode(byte[] bytes, AudioLimits limits) {
    SyncState sync = new SyncState();
    sync.init();
    int at = sync.buffer(bytes.length);
    System.arraycopy(bytes, 0, sync.data, at, bytes.length);
    sync.wrote(bytes.length);

    Page page = new Page();
    Packet packet = new Packet();
    StreamState stream = new StreamState();
    Info info = new Info();
    Comment comment = new Comment();
    if (sync.pageout(page) != 1) {
      throw new InvalidInputException("not an Ogg stream");
    }
    stream.init(page.serialno());
    info.init();
    comment.init();
    if (stream.pagein(page) < 0 || stream.packetout(packet) != 1
        || info.synthesis_headerin(comment, packet) < 0) {
      throw new InvalidInputException("Ogg stream does not hold Vorbis audio");
    }
    readRemainingHeaders(sync, stream, page, packet, info, comment);

    DspState dsp = new DspState();
    dsp.synthesis_init(info);
    Block block = new Block(dsp);
    block.init(dsp);
    SampleAccumulator samples =
        new SampleAccumulator(info.channels, limits.maxFrames(info.rate), "Ogg Vorbis stream");
    float[][][] pcm = new float[1][][];
    int[] offsets = new int[info.channels];
    long granulePosition = -1;
    boolean endOfStream = false;
    while (!endOfStream && sync.pageout(page) != 0) {
      if (stream.pagein(page) < 0) {
        continue; // a page of another logical stream or a damaged page: skipped, as DecodeExample does
      }
      int result;
      while ((result = stream.packetout(packet)) != 0) {
        if (result < 0 || block.synthesis(packet) != 0) {
          continue;
        }
        dsp.synthesis_blockin(block);
        int frames;
        while ((frames = dsp.synthesis_pcmout(pcm, offsets)) > 0) {
          float[][] chunk = new float[info.channels][];
          for (int c = 0; c < info.channels; c++) {
            chunk[c] = Arrays.copyOfRange(pcm[0][c], offsets[c], offsets[c] + frames);
          }
          samples.append(chunk, frames);
          dsp.synthesis_read(frames);
        }
      }
      granulePosition = Math.max(granulePosition, page.granulepos());
      endOfStream = page.eos() != 0;
    }
    if (granulePosition >= 0) {
      // The last page's granule position is the stream's length: libvorbisfile (and so
      // soundfile) trims the final block's overhang to it.
      samples.keepFirst(granulePosition);
    }
    return samples.toClip(info.rate);
  }

  /** Vorbis needs its comment and codebook headers before any audio packet. */
  private static void readRemainingHeaders(
      SyncState sync, StreamState stream, Page page, Packet packet, Info info, Comment comment) {
    int headers = 1;
    while (headers < 3) {
      int result = stream.packetout(packet);
      if (result == 1) {
        if (info.synthesis_headerin(comment, packet) < 0) {
          throw new InvalidInputException("corrupt Vorbis header packet");
        }
        headers++;
      } else if (result < 0) {
        throw new InvalidInputException("corrupt Vorbis header packet");
      } else if (sync.pageout(page) == 1) {
        stream.pagein(page);
      } else {
        throw new InvalidInputException("truncated Ogg Vorbis headers");
      }
    }
  }
}
