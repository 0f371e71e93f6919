package io.sparkformers.inference.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import onnx.Onnx;

/**
 * Stacks rows of ONNX Runtime tensors inside ONNX Runtime, with a small graph per kind of stack:
 * each part's rows are gathered along axis 0, the leading entries a shorter length drops are sliced
 * off along the length axis, zeros are padded before the entries a longer length adds, and the
 * parts are concatenated; a graph holds only the operations its parts need, as each one copies.
 * ONNX Runtime Java has no tensor operations outside a graph, and reading a tensor it made copies it
 * into the Java heap; this keeps a KV cache that is reordered, trimmed or merged in native memory,
 * copied by ONNX Runtime's own kernels. The graphs are shared by the JVM.
 */
final class OrtRowStacker {
  private static final long OPSET = 17;
  private static final Map<Kind, OrtSession> GRAPHS = new ConcurrentHashMap<>();

  /** What one part needs: its rows picked (reordered, dropped, repeated), entries cut, entries padded. */
  private record Part(boolean gather, boolean slice, boolean pad) {}

  /** What a graph stacks: its parts, of which element type and rank, along which length axis. */
  private record Kind(List<Part> parts, int elementType, int rank, int axis) {}

  private OrtRowStacker() {}

  /**
   * The rows {@code rows.get(i)} of each {@code tensors.get(i)} (an index may repeat) stacked along
   * axis 0, each cut or left-padded with zeros along {@code axis} to its last {@code length} entries.
   */
  static OnnxTensor stack(List<OnnxTensor> tensors, List<int[]> rows, int axis, long length) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = tensors.get(0).getInfo().getShape();
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    List<OnnxTensor> owned = new ArrayList<>();
    List<Part> parts = new ArrayList<>();
    try {
      for (int i = 0; i < tensors.size(); i++) {
        long[] own = tensors.get(i).getInfo().getShape();
        Part part = new Part(!isAll(rows.get(i), own[0]), own[axis] > length, own[axis] < length);
        parts.add(part);
        feeds.put("x" + i, tensors.get(i));
        if (part.gather()) feeds.put("rows" + i, owned(env, owned, Arrays.stream(rows.get(i)).asLongStream().toArray()));
        if (part.slice()) feeds.put("start" + i, owned(env, owned, new long[] {own[axis] - length}));
        if (part.pad()) {
          long[] pads = new long[2 * shape.length];
          pads[axis] = length - own[axis];
          feeds.put("pads" + i, owned(env, owned, pads));
        }
      }
      Kind kind = new Kind(parts, elementType(tensors.get(0)), shape.length, axis);
      OrtSession.Result result = GRAPHS.computeIfAbsent(kind, OrtRowStacker::graph).run(feeds);
      // the stacked tensor outlives the result, which would close it
      return (OnnxTensor) result.get(0);
    } finally {
      owned.forEach(OnnxValue::close);
    }
  }

  /** ONNX's number for the tensor's element type (ONNX Runtime Java numbers its enum otherwise). */
  private static int elementType(OnnxTensor t) {
    String name = t.getInfo().onnxType.name();
    return Onnx.TensorProto.DataType.valueOf(name.substring(name.lastIndexOf('_') + 1)).getNumber();
  }

  private static boolean isAll(int[] rows, long count) {
    if (rows.length != count) return false;
    for (int i = 0; i < rows.length; i++) if (rows[i] != i) return false;
    return true;
  }

  private static OnnxTensor owned(OrtEnvironment env, List<OnnxTensor> owned, long[] values) throws OrtException {
    OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(values), new long[] {values.length});
    owned.add(t);
    return t;
  }

  private static OrtSession graph(Kind kind) {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("stack_rows");
    if (kind.parts().stream().anyMatch(Part::slice)) {
      g.addInitializer(OnnxProtos.longs("end", new long[] {Long.MAX_VALUE}, false));
      g.addInitializer(OnnxProtos.longs("axes", new long[] {kind.axis()}, false));
    }
    boolean single = kind.parts().size() == 1;
    List<String> stacked = new ArrayList<>();
    for (int i = 0; i < kind.parts().size(); i++) {
      Part part = kind.parts().get(i);
      String x = "x" + i;
      g.addInput(valueInfo(x, kind.elementType(), kind.rank()));
      List<Onnx.NodeProto.Builder> ops = new ArrayList<>();
      if (part.gather()) {
        g.addInput(valueInfo("rows" + i, Onnx.TensorProto.DataType.INT64_VALUE, 1));
        ops.add(OnnxProtos.node("Gather", "gathered" + i, x, "rows" + i).addAttribute(OnnxProtos.intAttr("axis", 0)));
      }
      if (part.slice()) {
        g.addInput(valueInfo("start" + i, Onnx.TensorProto.DataType.INT64_VALUE, 1));
        ops.add(OnnxProtos.node("Slice", "sliced" + i, x, "start" + i, "end", "axes"));
      }
      if (part.pad()) {
        g.addInput(valueInfo("pads" + i, Onnx.TensorProto.DataType.INT64_VALUE, 1));
        ops.add(OnnxProtos.node("Pad", "padded" + i, x, "pads" + i));
      }
      if (single && ops.isEmpty()) ops.add(OnnxProtos.node("Identity", "copied" + i, x));
      // each op reads the one before; a single part's last op writes the output
      String value = x;
      for (int o = 0; o < ops.size(); o++) {
        Onnx.NodeProto.Builder op = ops.get(o).setInput(0, value);
        if (single && o == ops.size() - 1) op.setOutput(0, "stacked").setName("stacked");
        value = op.getOutput(0);
        g.addNode(op);
      }
      stacked.add(value);
    }
    if (!single) {
      g.addNode(OnnxProtos.node("Concat", "stacked", stacked.toArray(String[]::new)).addAttribute(OnnxProtos.intAttr("axis", 0)));
    }
    g.addOutput(valueInfo("stacked", kind.elementType(), kind.rank()));
    Onnx.ModelProto model = Onnx.ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(g).build();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // a copy is bound by memory, not by threads
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      return OrtEnvironment.getEnvironment().createSession(model.toByteArray(), options);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot build the row-stacking graph " + kind + ": " + e.getMessage(), e);
    }
  }

  /** A graph input or output of {@code rank} dimensions of any size. */
  private static Onnx.ValueInfoProto valueInfo(String name, int elementType, int rank) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (int d = 0; d < rank; d++) shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(name + "_" + d));
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
        Onnx.TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))).build();
  }
}
