package io.sparkformers.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stacking rows of cache-shaped tensors [rows, heads, length, head_dim] inside ONNX Runtime gives
 * what a plain loop gives: rows picked in order (repeats allowed), each cut to its last entries or
 * left-padded with zeros along the length axis, parts one after the other.
 */
class OrtRowStackerTest {
  private static final int HEADS = 2;
  private static final int DIM = 3;

  /** [rows, HEADS, length, DIM] numbered from {@code first}, so every entry is told apart. */
  private static float[] numbered(int rows, int length, int first) {
    float[] data = new float[rows * HEADS * length * DIM];
    for (int i = 0; i < data.length; i++) data[i] = first + i;
    return data;
  }

  /** What stacking must give: output position l of a row reads the source's position have - length + l, or 0. */
  private static float[] expected(List<float[]> parts, List<Integer> lengths, List<int[]> rows, int length) {
    List<Float> out = new ArrayList<>();
    for (int p = 0; p < parts.size(); p++) {
      int have = lengths.get(p);
      for (int r : rows.get(p)) {
        for (int h = 0; h < HEADS; h++) {
          for (int l = 0; l < length; l++) {
            int source = have - length + l;
            for (int d = 0; d < DIM; d++) {
              out.add(source < 0 ? 0f : parts.get(p)[((r * HEADS + h) * have + source) * DIM + d]);
            }
          }
        }
      }
    }
    float[] array = new float[out.size()];
    for (int i = 0; i < array.length; i++) array[i] = out.get(i);
    return array;
  }

  private static float[] stacked(List<float[]> parts, List<Integer> lengths, List<int[]> rows, int length)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<OnnxTensor> tensors = new ArrayList<>();
    try {
      for (int p = 0; p < parts.size(); p++) {
        int count = parts.get(p).length / (HEADS * lengths.get(p) * DIM);
        tensors.add(OnnxTensor.createTensor(env, FloatBuffer.wrap(parts.get(p)), new long[] {count, HEADS, lengths.get(p), DIM}));
      }
      try (OnnxTensor out = OrtRowStacker.stack(tensors, rows, 2, length)) {
        FloatBuffer data = out.getFloatBuffer();
        float[] array = new float[data.remaining()];
        data.get(array);
        return array;
      }
    } finally {
      tensors.forEach(OnnxTensor::close);
    }
  }

  private static void assertStacks(List<float[]> parts, List<Integer> lengths, List<int[]> rows, int length)
      throws Exception {
    assertArrayEquals(expected(parts, lengths, rows, length), stacked(parts, lengths, rows, length));
  }

  @Test
  void rowsArePickedInOrderWithRepeats() throws Exception {
    assertStacks(List.of(numbered(3, 4, 1)), List.of(4), List.of(new int[] {2, 0, 0}), 4);
  }

  @Test
  void aShorterLengthKeepsTheLastEntries() throws Exception {
    assertStacks(List.of(numbered(3, 5, 1)), List.of(5), List.of(new int[] {1, 2}), 2);
    assertStacks(List.of(numbered(3, 5, 1)), List.of(5), List.of(new int[] {0, 1, 2}), 3);
  }

  @Test
  void aLongerLengthPadsZerosBefore() throws Exception {
    assertStacks(List.of(numbered(2, 2, 1)), List.of(2), List.of(new int[] {1}), 5);
  }

  @Test
  void partsFollowEachOtherEachCutOrPadded() throws Exception {
    // a cache merged with rows that joined: the first kept as it is or reordered, the second padded
    assertStacks(List.of(numbered(3, 6, 1), numbered(2, 2, 1000)), List.of(6, 2), List.of(new int[] {0, 1, 2},
        new int[] {0, 1}), 6);
    assertStacks(List.of(numbered(3, 6, 1), numbered(2, 2, 1000)), List.of(6, 2), List.of(new int[] {2, 0},
        new int[] {1}), 4);
  }
}
