package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** chunk_iter's windows: where they start, their strides, and which is the last. */
class AudioChunkerTest {

  @Test
  void defaultStrideIsASixthOfTheChunkAlignedToLogitFrames() {
    assertEquals(new AudioChunker(16000, 2640, 2640), AudioChunker.ofSeconds(1.0, null, null, 16000, 80));
    assertEquals(new AudioChunker(24000, 4800, 3200), AudioChunker.ofSeconds(1.5, 0.3, 0.2, 16000, 80));
  }

  @Test
  void windowsOverlapByTheStridesAndTheLastHasNoRightStride() {
    float[] samples = ramp(64000);
    List<AudioChunk> chunks = new AudioChunker(16000, 4000, 4000).split(samples);
    // steps of 8000; the window ending exactly at 64000 still has a full right stride, so one more follows
    assertEquals(8, chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      AudioChunk chunk = chunks.get(i);
      assertEquals(i * 8000f, chunk.samples()[0]);
      assertEquals(i == 0 ? 0 : 4000, chunk.strideLeft());
      assertEquals(i == chunks.size() - 1 ? 0 : 4000, chunk.strideRight());
    }
    assertEquals(8000, chunks.get(7).samples().length);
  }

  @Test
  void shortAudioIsOneChunk() {
    List<AudioChunk> chunks = new AudioChunker(16000, 2640, 2640).split(ramp(5000));
    assertEquals(1, chunks.size());
    assertEquals(0, chunks.get(0).strideLeft());
    assertEquals(0, chunks.get(0).strideRight());
  }

  @Test
  void stridesMustLeaveRoomToAdvance() {
    assertThrows(IllegalArgumentException.class, () -> new AudioChunker(8000, 4000, 4000));
  }

  private static float[] ramp(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    return x;
  }
}
