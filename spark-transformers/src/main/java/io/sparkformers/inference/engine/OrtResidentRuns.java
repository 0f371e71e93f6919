package io.sparkformers.inference.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ONNX Runtime's resident runs: a kept output is the OnnxTensor the run returned, fed as it is to
 * the next run; {@link #stack} runs a small graph ({@link OrtRowStacker}), so rows are copied once,
 * in native memory.
 */
final class OrtResidentRuns implements ResidentRuns {
  private final OrtSession session;
  private final List<String> inputNames;
  private final AtomicInteger open = new AtomicInteger();

  OrtResidentRuns(OrtSession session, List<String> inputNames) {
    this.session = session;
    this.inputNames = inputNames;
  }

  @Override
  public Outputs run(Map<String, Tensor> inputs, Map<String, ResidentTensor> resident, Set<String> copied,
      Set<String> kept) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> owned = new LinkedHashMap<>();
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        if (inputNames.contains(e.getKey())) owned.put(e.getKey(), OnnxRuntimeEngine.toOrt(env, e.getValue()));
      }
      feeds.putAll(owned);
      resident.forEach((name, t) -> {
        if (inputNames.contains(name)) feeds.put(name, ort(t).tensor);
      });
      Set<String> wanted = new HashSet<>(copied);
      wanted.addAll(kept);
      OrtSession.Result result = session.run(feeds, wanted);
      // each value is closed once, here or by the ResidentTensor that takes it; never by the Result
      Map<String, Tensor> javaOut = new LinkedHashMap<>();
      Map<String, ResidentTensor> keptOut = new LinkedHashMap<>();
      List<OnnxValue> unclaimed = new ArrayList<>();
      result.forEach(e -> unclaimed.add(e.getValue()));
      try {
        for (Map.Entry<String, OnnxValue> e : result) {
          OnnxTensor t = (OnnxTensor) e.getValue();
          if (kept.contains(e.getKey())) {
            keptOut.put(e.getKey(), new OrtResident(t));
          } else {
            javaOut.put(e.getKey(), OnnxRuntimeEngine.fromOrt(t));
            t.close();
          }
          unclaimed.remove(t);
        }
      } catch (RuntimeException e) {
        unclaimed.forEach(OnnxValue::close);
        keptOut.values().forEach(ResidentTensor::close);
        throw e;
      }
      return new Outputs(javaOut, keptOut);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime run failed: " + e.getMessage(), e);
    } finally {
      owned.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public ResidentTensor upload(Tensor tensor) {
    try {
      return new OrtResident(OnnxRuntimeEngine.toOrt(OrtEnvironment.getEnvironment(), tensor));
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot hold " + tensor + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ResidentTensor stack(List<Rows> parts, int axis, long length) {
    if (parts.isEmpty()) throw new IllegalArgumentException("nothing to stack");
    OnnxTensor first = ort(parts.get(0).tensor()).tensor;
    long[] shape = first.getInfo().getShape();
    if (axis < 1 || axis >= shape.length) throw new IllegalArgumentException("axis " + axis + " of rank " + shape.length);
    List<OnnxTensor> tensors = new ArrayList<>();
    List<int[]> rows = new ArrayList<>();
    for (Rows p : parts) {
      OnnxTensor t = ort(p.tensor()).tensor;
      long[] s = t.getInfo().getShape();
      if (t.getInfo().type != first.getInfo().type || s.length != shape.length) {
        throw new IllegalArgumentException("cannot stack " + t.getInfo() + " with " + first.getInfo());
      }
      for (int r : p.rows()) if (r < 0 || r >= s[0]) throw new IndexOutOfBoundsException("row " + r + " of " + s[0]);
      tensors.add(t);
      rows.add(p.rows());
    }
    try {
      return new OrtResident(OrtRowStacker.stack(tensors, rows, axis, length));
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot stack the rows: " + e.getMessage(), e);
    }
  }

  @Override
  public int open() {
    return open.get();
  }

  private static OrtResident ort(ResidentTensor t) {
    if (!(t instanceof OrtResident ort)) throw new IllegalArgumentException("not an ONNX Runtime tensor: " + t);
    ort.checkOpen();
    return ort;
  }

  private final class OrtResident implements ResidentTensor {
    final OnnxTensor tensor;
    private boolean closed;

    OrtResident(OnnxTensor tensor) {
      this.tensor = tensor;
      open.incrementAndGet();
    }

    @Override
    public long[] shape() {
      return tensor.getInfo().getShape();
    }

    void checkOpen() {
      if (closed) throw new IllegalStateException("resident tensor " + tensor.getInfo() + " is closed");
    }

    @Override
    public synchronized void close() {
      checkOpen();
      closed = true;
      tensor.close();
      open.decrementAndGet();
    }

    @Override
    public String toString() {
      return "OrtResident" + java.util.Arrays.toString(shape());
    }
  }
}
