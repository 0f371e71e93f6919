package io.sparkformers.inference.engine;

import static io.sparkformers.inference.engine.OnnxProtos.floatValues;
import static io.sparkformers.inference.engine.OnnxProtos.intAttr;
import static io.sparkformers.inference.engine.OnnxProtos.longValues;
import static io.sparkformers.inference.engine.OnnxProtos.longs;
import static io.sparkformers.inference.engine.OnnxProtos.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;

/**
 * Rewrites an exported graph into an equivalent one that SameDiff's ONNX importer (nd4j 1.0.0-M2.1,
 * the last release) reads correctly. Each rule works around one importer defect met on the Hugging
 * Face exports in the test fixtures, named at the rule; the graph computes the same values (the tests
 * compare logits with ONNX Runtime's). Graph input and output names never change.
 */
final class SameDiffImportFixes {
  private final Onnx.GraphProto.Builder graph;
  private final int opset;
  private final Set<String> graphIo = new HashSet<>();
  private final Map<String, Onnx.TensorProto> constants = new LinkedHashMap<>();
  private final Map<String, Onnx.NodeProto> producers = new HashMap<>();
  private final Map<String, Integer> uses = new HashMap<>();

  private SameDiffImportFixes(Onnx.ModelProto model) {
    this.graph = model.getGraph().toBuilder();
    this.opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty())
        .mapToInt(o -> (int) o.getVersion()).findFirst().orElse(13);
    graph.getInputList().forEach(v -> graphIo.add(v.getName()));
    graph.getOutputList().forEach(v -> graphIo.add(v.getName()));
  }

  static Onnx.ModelProto apply(Onnx.ModelProto model) {
    SameDiffImportFixes fixes = new SameDiffImportFixes(model);
    return model.toBuilder().setGraph(fixes.rewrite()).build();
  }

  private Onnx.GraphProto.Builder rewrite() {
    List<Onnx.NodeProto> nodes = constantsAndIdentities(graph.getNodeList());
    for (Onnx.NodeProto n : nodes) {
      n.getOutputList().forEach(o -> producers.put(o, n));
      n.getInputList().forEach(i -> uses.merge(i, 1, Integer::sum));
    }
    List<Onnx.NodeProto> out = new ArrayList<>();
    Set<String> foldedGathers = new HashSet<>();
    for (Onnx.NodeProto n : nodes) {
      Onnx.NodeProto folded = shapeGatherUnsqueeze(n);
      if (folded != null) {
        foldedGathers.add(n.getInput(0));
        out.add(folded);
      } else {
        out.add(n);
      }
    }
    graph.clearNode();
    for (Onnx.NodeProto n : out) {
      if (n.getOpType().equals("Gather") && foldedGathers.contains(n.getOutput(0))) continue;
      for (Onnx.NodeProto r : perNode(n)) graph.addNode(r);
    }
    graph.clearInitializer();
    constants.values().forEach(graph::addInitializer);
    return graph;
  }

  /**
   * Constant nodes become initializers: the importer gives their outputs no value at import time, so
   * the Unsqueeze and Slice hooks that read constant axes fail. Identity nodes become aliases: an
   * Identity of an initializer gets no op, and running the graph then fails on its output. Names lose
   * ':' ("onnx::MatMul_336"), which the importer takes for a TensorFlow output suffix.
   */
  private List<Onnx.NodeProto> constantsAndIdentities(List<Onnx.NodeProto> nodes) {
    for (Onnx.TensorProto t : graph.getInitializerList()) {
      constants.put(clean(t.getName()), t.toBuilder().setName(clean(t.getName())).build());
    }
    Map<String, String> alias = new HashMap<>();
    List<Onnx.NodeProto> out = new ArrayList<>();
    for (Onnx.NodeProto n : nodes) {
      Onnx.NodeProto.Builder b = n.toBuilder();
      for (int i = 0; i < b.getInputCount(); i++) {
        String in = clean(b.getInput(i));
        b.setInput(i, alias.getOrDefault(in, in));
      }
      for (int i = 0; i < b.getOutputCount(); i++) b.setOutput(i, clean(b.getOutput(i)));
      // SameDiff names each op after its node; SameDiffGraphs finds the MatMuls by those names
      if (b.getName().isEmpty()) b.setName(b.getOutput(0));
      Onnx.TensorProto value = n.getOpType().equals("Constant") ? constantValue(n) : null;
      if (value != null) {
        constants.put(b.getOutput(0), value.toBuilder().setName(b.getOutput(0)).build());
      } else if (n.getOpType().equals("Identity") && !graphIo.contains(b.getOutput(0))) {
        alias.put(b.getOutput(0), b.getInput(0));
      } else {
        out.add(b.build());
      }
    }
    return out;
  }

  private String clean(String name) {
    return graphIo.contains(name) ? name : name.replace(':', '_');
  }

  private static Onnx.TensorProto constantValue(Onnx.NodeProto n) {
    if (n.getAttributeCount() != 1) return null;
    Onnx.AttributeProto a = n.getAttribute(0);
    switch (a.getName()) {
      case "value":
        return a.getT();
      case "value_int":
        return longs("", new long[] {a.getI()}, true);
      case "value_ints":
        return longs("", a.getIntsList().stream().mapToLong(Long::longValue).toArray(), false);
      default:
        return null;
    }
  }

  /**
   * {@code Unsqueeze(Gather(Shape(x), i), [0])}, how exporters build a dynamic shape, becomes
   * {@code Slice(Shape(x), [i], [i+1])}: nd4j's gather gives rank 1 for a scalar index, so the
   * unsqueezed dims come out rank 2 and the Concat that assembles the shape fails.
   */
  private Onnx.NodeProto shapeGatherUnsqueeze(Onnx.NodeProto n) {
    if (!n.getOpType().equals("Unsqueeze") || !List.of(0L).equals(unsqueezeAxes(n))) return null;
    Onnx.NodeProto gather = producers.get(n.getInput(0));
    if (gather == null || !gather.getOpType().equals("Gather") || uses.get(gather.getOutput(0)) != 1
        || graphIo.contains(gather.getOutput(0))) {
      return null;
    }
    Onnx.NodeProto shape = producers.get(gather.getInput(0));
    Onnx.TensorProto index = constants.get(gather.getInput(1));
    if (shape == null || !shape.getOpType().equals("Shape") || index == null || index.getDimsCount() != 0) return null;
    long i = longValues(index)[0];
    String out = n.getOutput(0);
    constant(longs(out + "__start", new long[] {i}, false));
    constant(longs(out + "__end", new long[] {i + 1}, false));
    return node("Slice", out, gather.getInput(0), out + "__start", out + "__end").build();
  }

  private List<Long> unsqueezeAxes(Onnx.NodeProto n) {
    if (n.getInputCount() > 1) {
      Onnx.TensorProto axes = constants.get(n.getInput(1));
      return axes == null ? null : Arrays.stream(longValues(axes)).boxed().toList();
    }
    return n.getAttributeList().stream().filter(a -> a.getName().equals("axes")).findFirst()
        .map(Onnx.AttributeProto::getIntsList).orElse(null);
  }

  private List<Onnx.NodeProto> perNode(Onnx.NodeProto n) {
    switch (n.getOpType()) {
      case "MatMul":
        return matMul(n);
      case "Gather":
        return gather(n);
      case "Pow":
        return List.of(pow(n));
      case "Reshape":
        return List.of(reshape(n));
      case "ConstantOfShape":
        return constantOfShape(n);
      case "Split":
        return split(n);
      default:
        return n.getOpType().startsWith("Reduce") ? reduce(n) : List.of(n);
    }
  }

  /**
   * {@code MatMul(x[..., K], W[K, N])} with a constant W becomes a rank-2 MatMul between two
   * Reshapes: nd4j's matmul wants equal ranks, where ONNX broadcasts, and every linear layer of a
   * transformer multiplies a [batch, length, K] input by a [K, N] weight.
   */
  private List<Onnx.NodeProto> matMul(Onnx.NodeProto n) {
    Onnx.TensorProto w = constants.get(n.getInput(1));
    if (w == null || w.getDimsCount() != 2) return List.of(n);
    String out = n.getOutput(0);
    String p = out + "__";
    constant(longs(p + "rows", new long[] {-1, w.getDims(0)}, false));
    constant(longs(p + "cols", new long[] {w.getDims(1)}, false));
    constant(longs(p + "zero", new long[] {0}, false));
    constant(longs(p + "last", new long[] {-1}, false));
    Onnx.NodeProto.Builder concat = node("Concat", p + "outshape", p + "lead", p + "cols");
    concat.addAttribute(intAttr("axis", 0));
    return List.of(
        node("Shape", p + "shape", n.getInput(0)).build(),
        node("Reshape", p + "x2d", n.getInput(0), p + "rows").build(),
        node("MatMul", p + "y2d", p + "x2d", n.getInput(1)).build(),
        node("Slice", p + "lead", p + "shape", p + "zero", p + "last").build(),
        concat.build(),
        node("Reshape", out, p + "y2d", p + "outshape").build());
  }

  /**
   * A scalar constant index becomes {@code Squeeze(Gather(x, [i]), axis)}: nd4j's gather keeps the
   * indexed axis for a scalar index (the BERT pooler's first-token Gather came out rank 4).
   */
  private List<Onnx.NodeProto> gather(Onnx.NodeProto n) {
    long axis = n.getAttributeList().stream().filter(a -> a.getName().equals("axis")).findFirst()
        .map(Onnx.AttributeProto::getI).orElse(0L);
    Onnx.TensorProto index = constants.get(n.getInput(1));
    if (index == null || index.getDimsCount() != 0) return List.of(n);
    String out = n.getOutput(0);
    constant(longs(out + "__index", longValues(index), false));
    Onnx.NodeProto.Builder gathered = node("Gather", out + "__gathered", n.getInput(0), out + "__index");
    gathered.addAttribute(intAttr("axis", axis));
    Onnx.NodeProto.Builder squeeze;
    if (opset >= 13) {
      constant(longs(out + "__axis", new long[] {axis}, false));
      squeeze = node("Squeeze", out, out + "__gathered", out + "__axis");
    } else {
      squeeze = node("Squeeze", out, out + "__gathered");
      squeeze.addAttribute(Onnx.AttributeProto.newBuilder().setName("axes")
          .setType(Onnx.AttributeProto.AttributeType.INTS).addInts(axis));
    }
    return List.of(gathered.build(), squeeze.build());
  }

  /** {@code Pow(x, 2)}, as LayerNorm exports, becomes {@code Mul(x, x)}: the importer maps Pow to an op with two outputs. */
  private Onnx.NodeProto pow(Onnx.NodeProto n) {
    Onnx.TensorProto exponent = constants.get(n.getInput(1));
    if (exponent == null || exponent.getDataType() != Onnx.TensorProto.DataType.FLOAT_VALUE
        || !Arrays.equals(floatValues(exponent), new float[] {2f})) {
      return n;
    }
    return n.toBuilder().setOpType("Mul").setInput(1, n.getInput(0)).build();
  }

  /**
   * {@code ConstantOfShape(Shape(t), v)} with an integer v, as {@code expand(batch, -1, -1)} exports,
   * becomes {@code Cast(t) * 0 + v}: the importer's ConstantOfShape assigns v to a tensor it has not
   * created yet, and gives zeros.
   */
  private List<Onnx.NodeProto> constantOfShape(Onnx.NodeProto n) {
    Onnx.NodeProto shape = producers.get(n.getInput(0));
    Onnx.TensorProto value = n.getAttributeCount() == 1 ? n.getAttribute(0).getT() : null;
    if (shape == null || !shape.getOpType().equals("Shape") || value == null
        || value.getDataType() != Onnx.TensorProto.DataType.INT64_VALUE) {
      return List.of(n);
    }
    String out = n.getOutput(0);
    constant(longs(out + "__zero", new long[] {0}, true));
    constant(longs(out + "__value", longValues(value), true));
    return List.of(
        node("Cast", out + "__cast", shape.getInput(0)).addAttribute(intAttr("to", Onnx.TensorProto.DataType.INT64_VALUE)).build(),
        node("Mul", out + "__zeros", out + "__cast", out + "__zero").build(),
        node("Add", out, out + "__zeros", out + "__value").build());
  }

  /**
   * {@code Split(x, sizes)} with constant sizes becomes one Slice per output: the importer cannot tell
   * how many outputs nd4j's split has (a question-answering head splits its logits in two).
   */
  private List<Onnx.NodeProto> split(Onnx.NodeProto n) {
    Onnx.TensorProto sizes = n.getInputCount() > 1 ? constants.get(n.getInput(1)) : null;
    if (sizes == null || longValues(sizes).length != n.getOutputCount()) return List.of(n);
    long axis = n.getAttributeList().stream().filter(a -> a.getName().equals("axis")).findFirst()
        .map(Onnx.AttributeProto::getI).orElse(0L);
    String p = n.getName() + "__";
    constant(longs(p + "axis", new long[] {axis}, false));
    List<Onnx.NodeProto> slices = new ArrayList<>();
    long start = 0;
    long[] lengths = longValues(sizes);
    for (int i = 0; i < lengths.length; i++) {
      constant(longs(p + "start" + i, new long[] {start}, false));
      constant(longs(p + "end" + i, new long[] {start + lengths[i]}, false));
      slices.add(node("Slice", n.getOutput(i), n.getInput(0), p + "start" + i, p + "end" + i, p + "axis").build());
      start += lengths[i];
    }
    return slices;
  }

  /** Reshape loses {@code allowzero=0} (the default): with any attribute the importer looks for opset 1's "shape" attribute. */
  private static Onnx.NodeProto reshape(Onnx.NodeProto n) {
    boolean defaultOnly = n.getAttributeList().stream().allMatch(a -> a.getName().equals("allowzero") && a.getI() == 0);
    return defaultOnly ? n.toBuilder().clearAttribute().build() : n;
  }

  /**
   * Reductions get their default {@code keepdims=1} written out, as the importer reads a missing one
   * as 0; and one over negative axes keeping dims becomes {@code Unsqueeze(Reduce(keepdims=0), axes)}:
   * nd4j's reduce_mean with keepdims and axis -1 reads the wrong rows past the first batch row.
   */
  private List<Onnx.NodeProto> reduce(Onnx.NodeProto n) {
    long keep = n.getAttributeList().stream().filter(a -> a.getName().equals("keepdims")).findFirst()
        .map(Onnx.AttributeProto::getI).orElse(1L);
    List<Long> axes = n.getAttributeList().stream().filter(a -> a.getName().equals("axes")).findFirst()
        .map(Onnx.AttributeProto::getIntsList).orElse(List.of());
    Onnx.NodeProto.Builder b = n.toBuilder().clearAttribute();
    n.getAttributeList().stream().filter(a -> !a.getName().equals("keepdims")).forEach(b::addAttribute);
    if (keep == 0 || axes.isEmpty() || axes.stream().anyMatch(a -> a >= 0)) {
      return List.of(b.addAttribute(intAttr("keepdims", keep)).build());
    }
    String out = n.getOutput(0);
    b.setOutput(0, out + "__reduced").setName(n.getName() + "__reduced").addAttribute(intAttr("keepdims", 0));
    return List.of(b.build(), unsqueeze(out, out + "__reduced", axes));
  }

  private Onnx.NodeProto unsqueeze(String output, String input, List<Long> axes) {
    if (opset >= 13) {
      constant(longs(output + "__axes", axes.stream().mapToLong(Long::longValue).toArray(), false));
      return node("Unsqueeze", output, input, output + "__axes").build();
    }
    return node("Unsqueeze", output, input).addAttribute(Onnx.AttributeProto.newBuilder().setName("axes")
        .setType(Onnx.AttributeProto.AttributeType.INTS).addAllInts(axes)).build();
  }

  private void constant(Onnx.TensorProto t) {
    constants.put(t.getName(), t);
  }
}
