package io.sparkformers.inference.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ONNX Runtime Java: the default engine (CPU; CUDA execution provider in the gpu build). */
public final class OnnxRuntimeEngine implements InferenceEngine {
  public static final OnnxRuntimeEngine INSTANCE = new OnnxRuntimeEngine();
  private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEngine.class);

  private OnnxRuntimeEngine() {}

  @Override
  public String name() {
    return "onnxruntime";
  }

  @Override
  public boolean gpuUsable() {
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  @Override
  public ModelSession open(Path graph, Device device, EngineOptions settings) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(Math.max(1, settings.threads()));
      options.setInterOpNumThreads(1);
      options.setCPUArenaAllocator(settings.cpuArena());
      options.setMemoryPatternOptimization(settings.memoryPattern());
      if (device.kind() == Device.Kind.CUDA) {
        options.addCUDA(Math.max(0, device.index()));
      } else if (device.kind() == Device.Kind.AUTO) {
        throw new IllegalArgumentException("resolve device auto before opening a session");
      }
      return new Session(env.createSession(graph.toString(), options));
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load " + graph + ": " + e.getMessage(), e);
    }
  }

  private static final class Session extends DeclaredSession {
    private final OrtSession session;
    private final OrtResidentRuns residentRuns;
    private final OrtPinnedOutputs pinnedOutputs;
    /** False once a run into pinned outputs failed where the usual run did not: the graph's dimension names lie. */
    private volatile boolean pinning = true;

    Session(OrtSession session) throws OrtException {
      super(List.copyOf(session.getInputNames()), List.copyOf(session.getOutputNames()),
          tensorShapes(session.getInputInfo()), tensorShapes(session.getOutputInfo()));
      this.session = session;
      this.residentRuns = new OrtResidentRuns(session, inputNames());
      this.pinnedOutputs = new OrtPinnedOutputs(session);
    }

    @Override
    public Optional<ResidentRuns> residentRuns() {
      return Optional.of(residentRuns);
    }

    private static Map<String, long[]> tensorShapes(Map<String, NodeInfo> infos) {
      Map<String, long[]> shapes = new LinkedHashMap<>();
      for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
        if (e.getValue().getInfo() instanceof TensorInfo) {
          shapes.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).getShape());
        }
      }
      return shapes;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, String... wanted) {
      Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
      try {
        feeds(inputs, feeds);
        Set<String> names = wanted.length == 0 ? Set.copyOf(outputNames()) : Set.of(wanted);
        try (OrtSession.Result result = session.run(feeds, names)) {
          Map<String, Tensor> out = new LinkedHashMap<>();
          for (Map.Entry<String, OnnxValue> e : result) {
            out.put(e.getKey(), fromOrt((OnnxTensor) e.getValue()));
          }
          return asDeclared(out);
        }
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime run failed: " + e.getMessage(), e);
      } finally {
        feeds.values().forEach(OnnxTensor::close);
      }
    }

    /**
     * Into pinned outputs ({@link OrtPinnedOutputs}) when the graph's dimension names give every
     * output's shape; otherwise the usual run, held in the heap.
     */
    @Override
    public HeldOutputs runHeld(Map<String, Tensor> inputs, String... wanted) {
      Map<String, long[]> shapes = pinning ? pinnedOutputs.shapes(inputs, wanted.length == 0 ? outputNames() : List.of(wanted)) : null;
      if (shapes == null) return HeldOutputs.inHeap(run(inputs, wanted));
      Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
      try {
        feeds(inputs, feeds);
        return pinnedOutputs.run(feeds, shapes);
      } catch (OrtException | RuntimeException pinnedFailure) {
        // the usual run throws what the run itself has against these inputs; if it passes, the pinned shapes were wrong
        HeldOutputs usual = HeldOutputs.inHeap(run(inputs, wanted));
        pinning = false;
        LOG.warn("{}: outputs of the sizes its dimension names give failed ({}); its runs copy outputs whole from now on",
            this, pinnedFailure.getMessage());
        return usual;
      } finally {
        feeds.values().forEach(OnnxTensor::close);
      }
    }

    /** The inputs the graph takes, as ONNX Runtime tensors the caller closes. */
    private void feeds(Map<String, Tensor> inputs, Map<String, OnnxTensor> feeds) throws OrtException {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        if (inputNames().contains(e.getKey())) feeds.put(e.getKey(), toOrt(env, e.getValue()));
      }
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String toString() {
      return "OrtSession" + inputNames() + "->" + outputNames();
    }
  }

  static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
    switch (t.type()) {
      case FLOAT32:
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), t.shape());
      case INT64:
        return OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), t.shape());
      default:
        return OnnxTensor.createTensor(env, reshapeBools(t.bools(), t.shape()));
    }
  }

  /** ORT Java takes booleans only as nested arrays; the graphs we feed use bool for flags. */
  private static Object reshapeBools(boolean[] data, long[] shape) {
    if (shape.length == 0) return data[0];
    if (shape.length == 1) return data;
    throw new IllegalArgumentException("bool tensors of rank > 1 are not supported: " + Arrays.toString(shape));
  }

  static Tensor fromOrt(OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    switch (t.getInfo().type) {
      case FLOAT: {
        // getFloatBuffer already copies out of native memory into a fresh heap buffer: take its
        // array rather than copying the batch's largest array a second time
        FloatBuffer b = t.getFloatBuffer();
        if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
          return Tensor.floats(b.array(), shape);
        }
        float[] data = new float[b.remaining()];
        b.get(data);
        return Tensor.floats(data, shape);
      }
      case INT64: {
        LongBuffer b = t.getLongBuffer();
        if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
          return Tensor.longs(b.array(), shape);
        }
        long[] data = new long[b.remaining()];
        b.get(data);
        return Tensor.longs(data, shape);
      }
      default:
        throw new IllegalStateException("unsupported output type " + t.getInfo().type);
    }
  }
}
