package io.sparkformers.inference.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ONNX Runtime's resident runs: a kept output is the OnnxTensor the run returned, fed as it is to
 * the next run. ONNX Runtime Java has no operator on tensors outside a graph, so {@link #stack}
 * copies: the source out of native memory once (not at all when this class made it, from a direct
 * buffer it still holds), the chosen rows into one new direct buffer.
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
            keptOut.put(e.getKey(), new OrtResident(t, null));
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
      return new OrtResident(OnnxRuntimeEngine.toOrt(OrtEnvironment.getEnvironment(), tensor), null);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot hold " + tensor + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ResidentTensor stack(List<Rows> parts, int axis, long length) {
    if (parts.isEmpty()) throw new IllegalArgumentException("nothing to stack");
    OnnxTensor first = ort(parts.get(0).tensor()).tensor;
    OnnxJavaType type = first.getInfo().type;
    long[] shape = first.getInfo().getShape();
    if (axis < 1 || axis >= shape.length) throw new IllegalArgumentException("axis " + axis + " of rank " + shape.length);
    int outer = 1;
    for (int d = 1; d < axis; d++) outer *= Math.toIntExact(shape[d]);
    long inner = type.size;
    for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
    int rows = 0;
    for (Rows p : parts) rows += p.rows().length;
    long[] outShape = shape.clone();
    outShape[0] = rows;
    outShape[axis] = length;
    long block = length * inner;
    ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(rows * outer * block)).order(ByteOrder.nativeOrder());
    for (Rows p : parts) {
      OnnxTensor t = ort(p.tensor()).tensor;
      long[] s = t.getInfo().getShape();
      if (t.getInfo().type != type || s.length != shape.length) {
        throw new IllegalArgumentException("cannot stack " + t.getInfo() + " with " + first.getInfo());
      }
      long have = s[axis];
      long taken = Math.min(have, length);
      ByteBuffer src = bytes(p.tensor());
      long srcBlock = have * inner;
      for (int r : p.rows()) {
        if (r < 0 || r >= s[0]) throw new IndexOutOfBoundsException("row " + r + " of " + s[0]);
        for (int o = 0; o < outer; o++) {
          long from = (r * (long) outer + o) * srcBlock + (have - taken) * inner;
          // the padding before it is left as allocateDirect zeroed it
          out.position(out.position() + Math.toIntExact((length - taken) * inner));
          out.put(src.slice(Math.toIntExact(from), Math.toIntExact(taken * inner)));
        }
      }
    }
    out.rewind();
    try {
      return new OrtResident(OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), out, outShape, type), out);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot hold the stacked rows: " + e.getMessage(), e);
    }
  }

  @Override
  public int open() {
    return open.get();
  }

  /** The tensor's bytes: the direct buffer it was made from, else one copy out of native memory. */
  private static ByteBuffer bytes(ResidentTensor tensor) {
    OrtResident t = ort(tensor);
    if (t.buffer != null) return t.buffer.duplicate().order(ByteOrder.nativeOrder()).rewind();
    return t.tensor.getByteBuffer();
  }

  private static OrtResident ort(ResidentTensor t) {
    if (!(t instanceof OrtResident ort)) throw new IllegalArgumentException("not an ONNX Runtime tensor: " + t);
    ort.checkOpen();
    return ort;
  }

  private final class OrtResident implements ResidentTensor {
    final OnnxTensor tensor;
    /** The direct buffer the tensor reads, when this class made it: held while the tensor lives. */
    final ByteBuffer buffer;
    private boolean closed;

    OrtResident(OnnxTensor tensor, ByteBuffer buffer) {
      this.tensor = tensor;
      this.buffer = buffer;
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
