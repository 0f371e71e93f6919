package io.sparkformers.inference.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.samediff.frameworkimport.onnx.importer.OnnxFrameworkImporter;

/** Imports ONNX files into SameDiff for {@link Dl4jEngine}. */
final class SameDiffGraphs {
  private static final Object IMPORT_LOCK = new Object();
  private static OnnxFrameworkImporter importer;

  private SameDiffGraphs() {}

  static int cudaDevices() {
    return Nd4j.getAffinityManager().getNumberOfDevices();
  }

  static ModelSession open(Path graph, Device device) {
    boolean cudaBackend = Nd4j.getBackend().getClass().getName().contains("JCublas");
    if (cudaBackend != (device.kind() == Device.Kind.CUDA)) {
      // nd4j has one backend per JVM, chosen by the jars on the class path
      throw new IllegalStateException("engine=dl4j runs on " + (cudaBackend ? "CUDA" : "the CPU")
          + " in this JVM (nd4j backend " + Nd4j.getBackend().getClass().getSimpleName() + "), not on "
          + device + (cudaBackend ? "" : ": add org.nd4j:nd4j-cuda-11.6 (build with -Pgpu) for a GPU"));
    }
    Onnx.ModelProto model = SameDiffImportFixes.apply(read(graph));
    SameDiff sd = importGraph(graph, model);
    Map<String, long[]> inputs = shapes(model.getGraph().getInputList(), model.getGraph().getInitializerList());
    Map<String, long[]> outputs = shapes(model.getGraph().getOutputList(), List.of());
    int cuda = device.kind() == Device.Kind.CUDA ? Math.max(0, device.index()) : -1;
    SameDiffSession declared = new SameDiffSession(sd, inputs, outputs, cuda);
    return new SameDiffSession(sd, inputs, staticOutputDims(declared, model.getGraph()), cuda);
  }

  private static Onnx.ModelProto read(Path graph) {
    try (InputStream in = Files.newInputStream(graph)) {
      return Onnx.ModelProto.parseFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + graph, e);
    }
  }

  /** The importer reads a file and is built once per JVM: building it scans the class path (seconds). */
  private static SameDiff importGraph(Path graph, Onnx.ModelProto model) {
    synchronized (IMPORT_LOCK) {
      if (importer == null) importer = new OnnxFrameworkImporter();
      Set<String> unsupported = model.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType)
          .filter(op -> !importer.getRegistry().hasMappingOpProcess(op))
          .collect(Collectors.toCollection(TreeSet::new));
      if (!unsupported.isEmpty()) {
        throw importError(graph, "it has no import for the ONNX op(s) " + unsupported, null);
      }
      List<String> resizes = runTimeResizes(model.getGraph());
      if (!resizes.isEmpty()) {
        throw importError(graph, "Resize " + resizes + " takes its output size from the input at run time,"
            + " which the importer fixes once at import, for placeholder dims of 1", null);
      }
      Path file = null;
      try {
        file = Files.createTempFile("sparkformers-dl4j-", ".onnx");
        try (OutputStream out = Files.newOutputStream(file)) {
          model.writeTo(out);
        }
        SameDiff sd = importer.runImport(file.toString(), Collections.emptyMap(), false);
        fixMatMulScale(sd, model);
        // the op cache keeps what an earlier run of other shapes computed: a 13-token run after an
        // 11-token one gave wrong logits with it
        sd.setEnableCache(false);
        return sd;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        throw importError(graph, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()), e);
      } finally {
        deleteQuietly(file);
      }
    }
  }

  /** Resize nodes whose scales or sizes are computed, not constants (SegFormer and DETR resize to an input's size). */
  private static List<String> runTimeResizes(Onnx.GraphProto graph) {
    Set<String> constants = graph.getInitializerList().stream().map(Onnx.TensorProto::getName).collect(Collectors.toSet());
    return graph.getNodeList().stream().filter(n -> n.getOpType().equals("Resize"))
        .filter(n -> n.getInputList().stream().skip(2).anyMatch(in -> !in.isEmpty() && !constants.contains(in)))
        .map(Onnx.NodeProto::getName).collect(Collectors.toList());
  }

  /**
   * The importer's mapping of ONNX MatMul sets nd4j's matmul alpha to 0 (the result scale), so every
   * product comes out zero; put alpha 1, beta 0 back on the ops that came from MatMul nodes.
   */
  private static void fixMatMulScale(SameDiff sd, Onnx.ModelProto model) {
    Set<String> matMuls = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MatMul"))
        .map(Onnx.NodeProto::getName).collect(Collectors.toSet());
    for (Map.Entry<String, SameDiffOp> e : sd.getOps().entrySet()) {
      if (matMuls.contains(e.getKey()) && e.getValue().getOp() instanceof Mmul) {
        DynamicCustomOp op = (DynamicCustomOp) e.getValue().getOp();
        for (double t : op.tArgs()) op.removeTArgument(t);
        op.addTArgument(1.0, 0.0);
      }
    }
  }

  /**
   * Output shapes with the dims the graph fixes filled in, as ONNX Runtime's shape inference reports
   * them: an exporter may declare a label axis symbolic (the text-classification fixture declares its
   * logits [batch_size, sequence_length]). A dim is taken as fixed when two probe runs, with every
   * dynamic input dim 1 and then 2, agree on it; the declared shapes stay when a probe cannot run.
   */
  private static Map<String, long[]> staticOutputDims(SameDiffSession session, Onnx.GraphProto graph) {
    Map<String, Tensor> one = probeInputs(session, graph, 1);
    Map<String, Tensor> two = probeInputs(session, graph, 2);
    Map<String, long[]> declared = new LinkedHashMap<>();
    session.outputNames().forEach(o -> declared.put(o, session.outputShape(o)));
    boolean allFixed = declared.values().stream().allMatch(s -> Arrays.stream(s).allMatch(d -> d >= 0));
    if (one == null || two == null || allFixed) {
      return declared;
    }
    Map<String, Tensor> a;
    Map<String, Tensor> b;
    try {
      a = session.run(one);
      b = session.run(two);
    } catch (RuntimeException e) {
      return declared;
    }
    Map<String, long[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : declared.entrySet()) {
      long[] shape = e.getValue().clone();
      long[] sa = a.get(e.getKey()).shape();
      long[] sb = b.get(e.getKey()).shape();
      for (int i = 0; i < shape.length && sa.length == shape.length && sb.length == shape.length; i++) {
        if (shape[i] < 0 && sa[i] == sb[i]) shape[i] = sa[i];
      }
      out.put(e.getKey(), shape);
    }
    return out;
  }

  /** Inputs of ones (ids and masks) or zeros (floats) with each dynamic dim {@code size}; null for other types. */
  private static Map<String, Tensor> probeInputs(SameDiffSession session, Onnx.GraphProto graph, int size) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (Onnx.ValueInfoProto v : graph.getInputList()) {
      if (!session.inputNames().contains(v.getName())) continue;
      long[] shape = session.inputShape(v.getName());
      int n = 1;
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] < 0) shape[i] = size;
        n = Math.multiplyExact(n, Math.toIntExact(shape[i]));
      }
      switch (v.getType().getTensorType().getElemType()) {
        case Onnx.TensorProto.DataType.FLOAT_VALUE:
          inputs.put(v.getName(), Tensor.floats(new float[n], shape));
          break;
        case Onnx.TensorProto.DataType.INT64_VALUE:
          long[] ones = new long[n];
          Arrays.fill(ones, 1);
          inputs.put(v.getName(), Tensor.longs(ones, shape));
          break;
        default:
          return null;
      }
    }
    return inputs;
  }

  /** Declared shapes of graph inputs or outputs (initializers listed as inputs are weights, not inputs). */
  private static Map<String, long[]> shapes(List<Onnx.ValueInfoProto> values, List<Onnx.TensorProto> initializers) {
    Set<String> weights = initializers.stream().map(Onnx.TensorProto::getName).collect(Collectors.toSet());
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Onnx.ValueInfoProto v : values) {
      if (weights.contains(v.getName())) continue;
      shapes.put(v.getName(), v.getType().getTensorType().getShape().getDimList().stream()
          .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray());
    }
    return shapes;
  }

  private static IllegalStateException importError(Path graph, String reason, Throwable cause) {
    return new IllegalStateException("engine=dl4j cannot load " + graph + ": SameDiff's ONNX import (nd4j 1.0.0-M2.1) "
        + "fails on this model, " + reason + "; use engine=onnxruntime for it", cause);
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) return;
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary copy of the graph; the next import writes a new one
    }
  }
}
