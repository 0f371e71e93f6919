package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DESIGN section 3: on a GPU the device worker runs the forward passes; on CPU each task does. */
class DeviceWorkerModeTest {
  private static final CoalescingWorker.Settings SETTINGS = new CoalescingWorker.Settings(8, 256, Duration.ofMillis(2), 1);
  private final DoublingSession plain = new DoublingSession();

  @Test
  void autoKeepsThePlainSessionOnCpu() {
    assertSame(plain, DeviceWorkerMode.AUTO.session(plain, Device.CPU, "model.onnx", SETTINGS, 0));
  }

  @Test
  void autoPutsAWorkerBeforeACudaSession() {
    try (ModelSession session = DeviceWorkerMode.AUTO.session(plain, Device.cuda(0), "model.onnx", SETTINGS, 0)) {
      assertInstanceOf(DeviceWorkerSession.class, session);
      Map<String, Tensor> out = session.run(Map.of("x", Tensor.floats(new float[] {1, 2}, 1, 2)), "y");
      assertArrayEquals(new float[] {2, 4}, out.get("y").floats());
    }
  }

  @Test
  void offKeepsThePlainSessionOnCuda() {
    assertSame(plain, DeviceWorkerMode.OFF.session(plain, Device.cuda(1), "model.onnx", SETTINGS, 0));
  }

  @Test
  void onPutsAWorkerBeforeACpuSession() {
    try (ModelSession session = DeviceWorkerMode.ON.session(plain, Device.CPU, "model.onnx", SETTINGS, 0)) {
      assertInstanceOf(DeviceWorkerSession.class, session);
    }
  }

  @Test
  void theCallerGetsTheExceptionThePlainSessionWouldThrow() {
    try (ModelSession session = DeviceWorkerMode.ON.session(plain, Device.CPU, "model.onnx", SETTINGS, 0)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.run(Map.of()));
      assertEquals("missing input x", e.getMessage());
    }
  }

  @Test
  void theDeviceWorkerNeverHoldsAPassBackToWaitForMoreRequests() {
    // what CoalescingWorkerTest shows a worker without maxWait does: an idle device starts what waits
    assertEquals(Duration.ZERO, DeviceWorkerMode.SETTINGS.maxWait());
  }

  @Test
  void theDeviceWorkerQueuesItsNextPassesWhileTheDeviceRunsOne() {
    // what CoalescingWorkerTest shows several threads do: the others collect and merge while one's pass runs
    assertEquals(4, DeviceWorkerMode.SETTINGS.threads());
  }

  @Test
  void theEnvironmentSaysAutoOnOrOff() {
    assertEquals(DeviceWorkerMode.AUTO, DeviceWorkerMode.parse(null));
    assertEquals(DeviceWorkerMode.AUTO, DeviceWorkerMode.parse(""));
    assertEquals(DeviceWorkerMode.ON, DeviceWorkerMode.parse(" On "));
    assertEquals(DeviceWorkerMode.OFF, DeviceWorkerMode.parse("off"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceWorkerMode.parse("gpu"));
    assertEquals("SPARKFORMERS_DEVICE_WORKER must be auto, on or off, got 'gpu'", e.getMessage());
  }
}
