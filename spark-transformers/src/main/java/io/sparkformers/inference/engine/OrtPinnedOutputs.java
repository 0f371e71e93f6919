package io.sparkformers.inference.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ONNX Runtime's held outputs: the run writes its outputs into direct buffers of ours (ONNX
 * Runtime's pinned outputs), sized before the run from the graph's symbolic dimensions, where an
 * output dimension named like an input's has that input's size; each caller then copies its rows
 * from the buffer into the heap, the one copy. Buffers are reused once their outputs are closed,
 * because the JVM frees direct memory only when a collection finds it unreachable.
 */
final class OrtPinnedOutputs {
  private record Axis(String input, int axis) {}

  private final OrtSession session;
  /** Each symbolic dimension's name, and the first input axis that bears it. */
  private final Map<String, Axis> namedAxes = new HashMap<>();
  private final Map<String, long[]> outputShapes = new HashMap<>();
  private final Map<String, String[]> outputDimNames = new HashMap<>();
  private final ConcurrentLinkedDeque<ByteBuffer> free = new ConcurrentLinkedDeque<>();

  OrtPinnedOutputs(OrtSession session) throws OrtException {
    this.session = session;
    for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
      if (!(e.getValue().getInfo() instanceof TensorInfo info)) continue;
      long[] shape = info.getShape();
      String[] names = info.getDimensionNames();
      for (int axis = 0; axis < shape.length; axis++) {
        if (shape[axis] < 0 && !names[axis].isEmpty()) namedAxes.putIfAbsent(names[axis], new Axis(e.getKey(), axis));
      }
    }
    for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo info && info.type == OnnxJavaType.FLOAT) {
        outputShapes.put(e.getKey(), info.getShape());
        outputDimNames.put(e.getKey(), info.getDimensionNames());
      }
    }
  }

  /**
   * The shapes these outputs will have for these inputs; null when one is not float, or has a
   * dimension no fed input names (one the graph computes, such as a down-sampled height).
   */
  Map<String, long[]> shapes(Map<String, Tensor> inputs, Collection<String> outputs) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (String output : outputs) {
      long[] declared = outputShapes.get(output);
      if (declared == null) return null;
      long[] shape = declared.clone();
      for (int axis = 0; axis < shape.length; axis++) {
        if (shape[axis] >= 0) continue;
        Axis named = namedAxes.get(outputDimNames.get(output)[axis]);
        Tensor fed = named == null ? null : inputs.get(named.input());
        if (fed == null) return null;
        shape[axis] = fed.dim(named.axis());
      }
      shapes.put(output, shape);
    }
    return shapes;
  }

  /** Runs the session writing the outputs, of these shapes, into pinned buffers. */
  HeldOutputs run(Map<String, OnnxTensor> feeds, Map<String, long[]> shapes) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
    Map<String, FloatBuffer> views = new LinkedHashMap<>();
    Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
    Held held = new Held(shapes, buffers, views, pinned);
    try {
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        int bytes = Math.multiplyExact(elements(e.getValue()), Float.BYTES);
        ByteBuffer buffer = take(bytes);
        buffers.put(e.getKey(), buffer);
        // its first bytes, in the order ONNX Runtime writes floats; read with absolute gets only
        FloatBuffer view = buffer.slice(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
        views.put(e.getKey(), view);
        pinned.put(e.getKey(), OnnxTensor.createTensor(env, view, e.getValue()));
      }
      session.run(feeds, pinned).close(); // the result owns none of the pinned outputs
      return held;
    } catch (OrtException | RuntimeException e) {
      held.close();
      throw e;
    }
  }

  /**
   * A free buffer of at least {@code bytes} bytes, or a new one of the next power of two: merged
   * passes vary in size, and in a few sizes the free buffers soon fit any of them.
   */
  private ByteBuffer take(int bytes) {
    for (ByteBuffer b = free.poll(); b != null; b = free.poll()) {
      if (b.capacity() >= bytes) return b;
      // too small for this pass: dropped, the collector frees it
    }
    return ByteBuffer.allocateDirect(bytes > 1 << 30 ? bytes : Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
  }

  private static int elements(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return Math.toIntExact(n);
  }

  private final class Held implements HeldOutputs {
    private final Map<String, long[]> shapes;
    /** Whole buffers, to free; the outputs are read through {@code views}. */
    private final Map<String, ByteBuffer> buffers;
    private final Map<String, FloatBuffer> views;
    private final Map<String, OnnxTensor> pinned;
    private final AtomicBoolean closed = new AtomicBoolean();

    Held(Map<String, long[]> shapes, Map<String, ByteBuffer> buffers, Map<String, FloatBuffer> views,
        Map<String, OnnxTensor> pinned) {
      this.shapes = shapes;
      this.buffers = buffers;
      this.views = views;
      this.pinned = pinned;
    }

    @Override
    public Map<String, long[]> shapes() {
      return shapes;
    }

    @Override
    public Tensor rows(String name, int from, int to, int positions) {
      if (closed.get()) throw new IllegalStateException("outputs of a run already closed");
      RowRange part = RowRange.of(shapes.get(name), from, to, positions);
      FloatBuffer data = views.get(name);
      float[] out = new float[part.size()];
      part.copy((source, target, length) -> data.get(source, out, target, length));
      return Tensor.floats(out, part.shape());
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) return;
      pinned.values().forEach(OnnxTensor::close);
      buffers.values().forEach(free::add);
    }
  }
}
