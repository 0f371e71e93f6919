package io.sparkformers.inference.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes RIFF/WAVE files for tests: PCM, IEEE float or WAVE_FORMAT_EXTENSIBLE, any channel count. */
public final class WavBytes {
  public static final int PCM = 1;
  public static final int IEEE_FLOAT = 3;
  public static final int EXTENSIBLE = 0xFFFE;

  private WavBytes() {}

  /** A WAV whose data chunk holds {@code samples} (interleaved, already in [-1, 1)). */
  public static byte[] of(int formatTag, int bits, int channels, int rate, float[] interleaved) {
    ByteBuffer data = ByteBuffer.allocate(interleaved.length * bits / 8).order(ByteOrder.LITTLE_ENDIAN);
    boolean isFloat = formatTag == IEEE_FLOAT;
    for (float s : interleaved) {
      if (isFloat) {
        data.putFloat(s);
      } else if (bits == 8) {
        data.put((byte) (Math.round(s * 128) + 128));
      } else {
        long v = Math.round(s * Math.pow(2, bits - 1));
        for (int i = 0; i < bits / 8; i++) {
          data.put((byte) (v >> (8 * i)));
        }
      }
    }
    return withHeader(formatTag, bits, channels, rate, data.array(), data.capacity());
  }

  /** A WAV whose header declares {@code declaredDataBytes} but which holds only {@code data}. */
  public static byte[] withHeader(int formatTag, int bits, int channels, int rate, byte[] data, long declaredDataBytes) {
    boolean extensible = formatTag == EXTENSIBLE;
    int fmtSize = extensible ? 40 : 16;
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt((int) (4 + 8 + fmtSize + 8 + declaredDataBytes)).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(fmtSize);
    int blockAlign = channels * bits / 8;
    b.putShort((short) formatTag).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
        .putShort((short) blockAlign).putShort((short) bits);
    if (extensible) {
      // cbSize, valid bits, channel mask, KSDATAFORMAT_SUBTYPE_PCM GUID
      b.putShort((short) 22).putShort((short) bits).putInt(channels == 1 ? 0x4 : 0x3);
      b.put(new byte[] {1, 0, 0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
    }
    b.put("data".getBytes()).putInt((int) declaredDataBytes).put(data);
    return b.array();
  }

  /** {@code seconds} of a sine at {@code hz}, amplitude {@code amplitude}. */
  public static float[] sine(double hz, double amplitude, int rate, double seconds) {
    float[] out = new float[(int) Math.round(rate * seconds)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return out;
  }
}
