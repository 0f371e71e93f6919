package io.sparkformers.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceTest {
  @Test
  void parsesTheFourForms() {
    assertEquals(Device.AUTO, Device.parse("auto"));
    assertEquals(Device.CPU, Device.parse("CPU"));
    assertEquals("cuda", Device.parse("cuda").toString());
    assertEquals(Device.cuda(3), Device.parse("cuda:3"));
  }

  @Test
  void rejectsAnythingElseNamingTheForms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
    assertTrue(e.getMessage().contains("auto, cpu, cuda or cuda:N"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:-1"));
  }

  @Test
  void autoTakesTheGpuSparkAssignedToTheTask() {
    assertEquals(Device.cuda(1), Device.AUTO.resolve(List.of("1"), true));
  }

  @Test
  void autoFallsBackToCpuWithoutAnAssignedGpuOrWithoutCuda() {
    assertEquals(Device.CPU, Device.AUTO.resolve(List.of(), true));
    assertEquals(Device.CPU, Device.AUTO.resolve(List.of("0"), false));
  }

  @Test
  void cudaWithoutAUsableGpuIsAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Device.parse("cuda").resolve(List.of("0"), false));
    assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
  }

  @Test
  void plainCudaUsesTheAssignedAddressAndAnExplicitOrdinalWins() {
    assertEquals(Device.cuda(2), Device.parse("cuda").resolve(List.of("2"), true));
    assertEquals(Device.cuda(0), Device.parse("cuda").resolve(List.of(), true));
    assertEquals(Device.cuda(5), Device.parse("cuda:5").resolve(List.of("2"), true));
  }

  @Test
  void theCpuBuildOfOnnxRuntimeHasNoCudaProvider() {
    // the default build ships the CPU artifact; -Pgpu swaps in onnxruntime_gpu
    assertEquals(false, OnnxRuntimeEngine.INSTANCE.gpuUsable());
  }
}
