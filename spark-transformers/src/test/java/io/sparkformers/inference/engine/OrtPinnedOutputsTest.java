package io.sparkformers.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkformers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose outputs stay in ONNX Runtime's pinned buffers gives each caller exactly the rows a
 * whole copy of the usual run, cut in the heap, gives; outputs whose sizes the graph's dimension
 * names do not give, or give wrongly, go the usual way.
 */
class OrtPinnedOutputsTest {
  private static final Path MINILM = Fixtures.miniLm().resolve("model.onnx");

  /** Three rows of 7 token ids (the last two padded after 4 and 6 tokens): a merged pass of two callers' batches. */
  private static Map<String, Tensor> threeRows() {
    long[] ids = {101, 7592, 2088, 2003, 2307, 2651, 102, 101, 2307, 102, 0, 0, 0, 0, 101, 1996, 4937, 2003, 2307, 102, 0};
    long[] mask = new long[ids.length];
    for (int i = 0; i < ids.length; i++) mask[i] = ids[i] == 0 ? 0 : 1;
    return Map.of("input_ids", Tensor.longs(ids, 3, 7).paddedWith(0), "attention_mask", Tensor.longs(mask, 3, 7).paddedWith(0),
        "token_type_ids", Tensor.longs(new long[ids.length], 3, 7).paddedWith(0));
  }

  @Test
  void theGraphsDimensionNamesGiveEachOutputsShapeBeforeTheRun() throws Exception {
    try (OrtSession session = OrtEnvironment.getEnvironment().createSession(MINILM.toString())) {
      Map<String, long[]> shapes = new OrtPinnedOutputs(session).shapes(threeRows(), List.of("last_hidden_state"));
      assertArrayEquals(new long[] {3, 7, 384}, shapes.get("last_hidden_state"));
    }
  }

  @Test
  void eachCallersRowsOfAHeldRunAreThoseOfTheUsualRunCutInTheHeap() {
    try (ModelSession session = OnnxRuntimeEngine.INSTANCE.open(MINILM, Device.CPU, EngineOptions.defaults(1))) {
      Tensor whole = session.run(threeRows(), "last_hidden_state").get("last_hidden_state");
      for (int round = 0; round < 3; round++) { // the buffers of one run serve the next
        try (HeldOutputs held = session.runHeld(threeRows(), "last_hidden_state")) {
          assertArrayEquals(new long[] {3, 7, 384}, held.shapes().get("last_hidden_state"));
          // the first caller's one row of 4 tokens, the second's two rows of 7
          assertTensor(whole.rows(0, 1, 4), held.rows("last_hidden_state", 0, 1, 4));
          assertTensor(whole.rows(1, 3, Integer.MAX_VALUE), held.rows("last_hidden_state", 1, 3, Integer.MAX_VALUE));
          assertEquals(4, held.rows("last_hidden_state", 0, 1, 4).dim(1));
        }
      }
      // a smaller pass in the larger buffer the last one freed
      Map<String, Tensor> firstRow = new java.util.HashMap<>();
      threeRows().forEach((name, t) -> firstRow.put(name, Tensor.longs(java.util.Arrays.copyOf(t.longs(), 7), 1, 7).paddedWith(0)));
      try (HeldOutputs held = session.runHeld(firstRow, "last_hidden_state")) {
        assertTensor(session.run(firstRow, "last_hidden_state").get("last_hidden_state"),
            held.rows("last_hidden_state", 0, 1, Integer.MAX_VALUE));
      }
    }
  }

  @Test
  void anOutputSizedByTheGraphItselfIsNotPinnedAndStillCut(@TempDir Path dir) throws Exception {
    // Y = Reshape(X, S), declared [a, b]: no input names a or b
    Path graph = reshape(dir, "a", "b");
    try (OrtSession ort = OrtEnvironment.getEnvironment().createSession(graph.toString());
        ModelSession session = OnnxRuntimeEngine.INSTANCE.open(graph, Device.CPU, EngineOptions.defaults(1))) {
      assertNull(new OrtPinnedOutputs(ort).shapes(threeByTwo(), List.of("Y")));
      try (HeldOutputs held = session.runHeld(threeByTwo())) {
        assertArrayEquals(new long[] {3, 2}, held.shapes().get("Y"));
        assertTensor(Tensor.floats(new float[] {3, 4, 5, 6}, 2, 2), held.rows("Y", 1, 3, Integer.MAX_VALUE));
      }
    }
  }

  @Test
  void aGraphWhoseDimensionNamesLieIsRunTheUsualWay(@TempDir Path dir) throws Exception {
    // Y declared [n, s] like X, but reshaped to [3, 2] at run time: the pinned [2, 3] buffer is refused
    Path graph = reshape(dir, "n", "s");
    try (ModelSession session = OnnxRuntimeEngine.INSTANCE.open(graph, Device.CPU, EngineOptions.defaults(1))) {
      for (int round = 0; round < 2; round++) { // the first finds out, the second no longer pins
        try (HeldOutputs held = session.runHeld(threeByTwo())) {
          assertArrayEquals(new long[] {3, 2}, held.shapes().get("Y"));
          assertTensor(Tensor.floats(new float[] {3, 4, 5, 6}, 2, 2), held.rows("Y", 1, 3, Integer.MAX_VALUE));
        }
      }
    }
  }

  /** X [2, 3] and the shape [3, 2] to reshape it to. */
  private static Map<String, Tensor> threeByTwo() {
    return Map.of("X", Tensor.floats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), "S", Tensor.longs(new long[] {3, 2}, 2));
  }

  private static void assertTensor(Tensor expected, Tensor actual) {
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.floats(), actual.floats());
  }

  /**
   * X float [n, s], S int64 [2] -> Y = Reshape(X, S), Y declared [{@code y0}, {@code y1}]: a shape
   * given at run time, which ONNX Runtime's shape inference cannot check against the declaration.
   */
  private static Path reshape(Path dir, String y0, String y1) throws Exception {
    Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("reshape")
        .addNode(Onnx.NodeProto.newBuilder().setOpType("Reshape").addInput("X").addInput("S").addOutput("Y"))
        .addInput(Onnx.ValueInfoProto.newBuilder().setName("X").setType(tensor(Onnx.TensorProto.DataType.FLOAT_VALUE, "n", "s")))
        .addInput(Onnx.ValueInfoProto.newBuilder().setName("S").setType(tensor(Onnx.TensorProto.DataType.INT64_VALUE, "two")))
        .addOutput(Onnx.ValueInfoProto.newBuilder().setName("Y").setType(tensor(Onnx.TensorProto.DataType.FLOAT_VALUE, y0, y1)))
        .build();
    Path file = dir.resolve("reshape.onnx");
    Files.write(file, Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build().toByteArray());
    return file;
  }

  private static Onnx.TypeProto tensor(int elementType, String... dims) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (String d : dims) shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(d));
    return Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
        .setElemType(elementType).setShape(shape)).build();
  }
}
