package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A device that costs nothing keeps up with the tasks, so they never overlap their forward passes
 * with pre-processing: each task runs one batch at a time, on its own thread, as the device worker
 * is idle whenever it calls, and no pass merges two. Its own JVM: the simulated GPU's cost is the
 * JVM's.
 */
@Tag("own-jvm")
class DeviceKeepsUpNoOverlapTest {
  @Test
  void aDeviceThatKeepsUpGetsOneBatchAtATimeFromEachTask() {
    List<Integer> passes = SimulatedGpuStage.passes(0, 12_000);

    assertEquals(List.of(), passes.stream().filter(rows -> rows > SimulatedGpuStage.BATCH).toList(),
        "no pass merged two batches");
  }
}
