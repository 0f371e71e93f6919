package io.sparkformers.testing;

import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.ForwardingSession;
import io.sparkformers.inference.engine.HeldOutputs;
import io.sparkformers.inference.engine.InferenceEngine;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.OnnxRuntimeEngine;
import io.sparkformers.inference.engine.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code engine=simulated-gpu} (found through META-INF/services): graphs "run" on a
 * {@link SimulatedGpu}, taking its time and failing over its memory, and give outputs of the graph's
 * names and shapes filled with zeros, made when a caller takes its rows (a merged pass's rows
 * reach each caller in one copy, as from ONNX Runtime's pinned outputs). It reports a usable GPU, so {@code device=cuda} resolves,
 * the session cache keys it by device and the device worker stands before it, as on a CUDA executor.
 * The graph's names and shapes come from an ONNX Runtime session on CPU, which never runs. On the
 * CPU (where a stage checks the model on the driver) it is ONNX Runtime's.
 */
public final class SimulatedGpuEngine implements InferenceEngine {
  public static final String NAME = "simulated-gpu";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean gpuUsable() {
    return true;
  }

  @Override
  public ModelSession open(Path graph, Device device, EngineOptions options) {
    ModelSession declared = OnnxRuntimeEngine.INSTANCE.open(graph, Device.CPU, EngineOptions.defaults(1));
    if (device.kind() != Device.Kind.CUDA) return declared;
    return new Session(declared, SimulatedGpu.device(device.index()));
  }

  public static final class Session extends ForwardingSession {
    private final SimulatedGpu gpu;

    public Session(ModelSession declared, SimulatedGpu gpu) {
      super(declared);
      this.gpu = gpu;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs, String... outputs) {
      try (HeldOutputs held = runHeld(inputs, outputs)) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        held.shapes().forEach((name, shape) -> out.put(name, held.rows(name, 0, Math.toIntExact(shape[0]), Integer.MAX_VALUE)));
        return out;
      }
    }

    /** Outputs left "on the device": each caller's rows are zeros made when it takes them, its one copy to the heap. */
    @Override
    public HeldOutputs runHeld(Map<String, Tensor> inputs, String... outputs) {
      List<Tensor> fed = inputs.entrySet().stream().filter(e -> inputNames().contains(e.getKey()))
          .map(Map.Entry::getValue).toList();
      Tensor largest = fed.stream().max((a, b) -> Integer.compare(a.size(), b.size()))
          .orElseThrow(() -> new IllegalArgumentException("no input of " + inputNames()));
      Map<String, long[]> shapes = new LinkedHashMap<>();
      for (String name : outputs.length == 0 ? outputNames() : List.of(outputs)) {
        shapes.put(name, shape(outputShape(name), largest.shape()));
      }
      return gpu.forward(largest.shape().length == 0 ? 1 : largest.dim(0), largest.size(), () -> new HeldOutputs() {
        @Override
        public Map<String, long[]> shapes() {
          return shapes;
        }

        @Override
        public Tensor rows(String name, int from, int to, int positions) {
          long[] shape = shapes.get(name).clone();
          shape[0] = to - from;
          if (shape.length > 1) shape[1] = Math.min(shape[1], positions);
          return Tensor.floats(new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))], shape);
        }

        @Override
        public void close() {}
      });
    }

    /** The declared shape, its symbolic dims taken from the input's (batch, then sequence) by position. */
    private static long[] shape(long[] declared, long[] input) {
      long[] shape = declared.clone();
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] < 0) shape[i] = i < input.length ? input[i] : 1;
      }
      return shape;
    }

    @Override
    public void close() {
      session.close();
    }
  }
}
