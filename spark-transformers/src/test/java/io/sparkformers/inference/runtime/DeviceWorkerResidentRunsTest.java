package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.OnnxRuntimeEngine;
import io.sparkformers.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** Generation steps keep their cache in the engine: the device-worker session hands them the engine's own resident runs. */
class DeviceWorkerResidentRunsTest {
  @Test
  void theDeviceWorkerSessionPassesTheEnginesResidentRunsThrough() {
    ModelSession plain = OnnxRuntimeEngine.INSTANCE.open(
        Fixtures.model("text-generation-gpt2").resolve("onnx/decoder_model_merged.onnx"), Device.CPU, EngineOptions.defaults(1));
    try (ModelSession worker = DeviceWorkerSession.start(plain, "test", DeviceWorkerMode.SETTINGS, 0,
        new DeviceLoad("test", System::nanoTime))) {
      assertSame(plain.residentRuns().orElseThrow(), worker.residentRuns().orElseThrow());
    }
  }
}
