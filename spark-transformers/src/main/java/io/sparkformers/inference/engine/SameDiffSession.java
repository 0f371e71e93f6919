package io.sparkformers.inference.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One imported graph. Runs are serialized: SameDiff's multi-threaded inference is untested upstream
 * (deeplearning4j issue 8654), and nd4j's OpenMP pool already spreads one run over the executor's
 * cores, sized per process (OMP_NUM_THREADS), not per session as ONNX Runtime's intra-op threads.
 */
final class SameDiffSession extends DeclaredSession {
  private final SameDiff sd;
  private final int cudaDevice;

  SameDiffSession(SameDiff sd, Map<String, long[]> inputShapes, Map<String, long[]> outputShapes, int cudaDevice) {
    super(List.copyOf(inputShapes.keySet()), List.copyOf(outputShapes.keySet()), inputShapes, outputShapes);
    this.sd = sd;
    this.cudaDevice = cudaDevice;
  }

  @Override
  public synchronized Map<String, Tensor> run(Map<String, Tensor> feeds, String... wanted) {
    if (cudaDevice >= 0) {
      // nd4j-cuda runs a thread's work on the device that thread is pinned to
      Nd4j.getAffinityManager().unsafeSetDevice(cudaDevice);
    }
    Map<String, INDArray> in = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
      if (takesTensor(e.getKey())) in.put(e.getKey(), toNd4j(e.getValue()));
    }
    List<String> names = wanted.length == 0 ? outputNames() : List.of(wanted);
    try {
      Map<String, INDArray> result = sd.output(in, names);
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (String name : names) out.put(name, fromNd4j(name, result.get(name)));
      return out;
    } catch (RuntimeException e) {
      throw new IllegalStateException("SameDiff run failed: " + e.getMessage(), e);
    } finally {
      in.values().forEach(INDArray::close);
    }
  }

  private static INDArray toNd4j(Tensor t) {
    switch (t.type()) {
      case FLOAT32:
        return Nd4j.create(t.floats(), t.shape(), DataType.FLOAT);
      case INT64:
        return Nd4j.create(t.longs(), t.shape(), DataType.INT64);
      default:
        return Nd4j.create(t.bools(), t.shape(), DataType.BOOL);
    }
  }

  /** A fresh C-order copy, so the Java array is exactly the tensor whatever view SameDiff returned. */
  private static Tensor fromNd4j(String name, INDArray a) {
    long[] shape = a.shape();
    DataType type = a.dataType();
    if (type.isFPType()) {
      return Tensor.floats(a.castTo(DataType.FLOAT).dup('c').data().asFloat(), shape);
    }
    if (type.isIntType()) {
      return Tensor.longs(a.castTo(DataType.INT64).dup('c').data().asLong(), shape);
    }
    if (type == DataType.BOOL) {
      int[] flags = a.castTo(DataType.INT32).dup('c').data().asInt();
      boolean[] out = new boolean[flags.length];
      for (int i = 0; i < flags.length; i++) out[i] = flags[i] != 0;
      return Tensor.bools(out, shape);
    }
    throw new IllegalStateException("unsupported output type " + type + " of " + name);
  }

  @Override
  public void close() {
    // SameDiff 1.0.0-M2.1 has no close: nd4j's deallocator frees the weights once the graph is unreachable
  }

  @Override
  public String toString() {
    return "SameDiffSession" + inputNames() + "->" + outputNames();
  }
}
