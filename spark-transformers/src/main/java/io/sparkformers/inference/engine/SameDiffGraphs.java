package io.sparkformers.inference.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    return new SameDiffSession(sd, inputs, outputs, device.kind() == Device.Kind.CUDA ? Math.max(0, device.index()) : -1);
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
      Path file = null;
      try {
        file = Files.createTempFile("sparkformers-dl4j-", ".onnx");
        try (OutputStream out = Files.newOutputStream(file)) {
          model.writeTo(out);
        }
        SameDiff sd = importer.runImport(file.toString(), Collections.emptyMap(), false);
        fixMatMulScale(sd, model);
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
