package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A device slower than the tasks' pre-processing (20 ms a pass) is busy all the time, so the tasks
 * start overlapping their forward passes with pre-processing after its first second, and the
 * device worker merges more than one batch per task. Its own JVM: the simulated GPU's cost is the
 * JVM's.
 */
@Tag("own-jvm")
class DeviceLimitsOverlapTest {
  @Test
  void aSaturatedDeviceGetsSeveralBatchesOfEachTaskToMerge() {
    List<Integer> passes = SimulatedGpuStage.passes(20_000, 2_400);

    int oneBatchPerTask = SimulatedGpuStage.TASKS * SimulatedGpuStage.BATCH;
    assertTrue(passes.subList(0, 10).stream().allMatch(rows -> rows <= oneBatchPerTask),
        "before a second has shown the device busy, each task sends one batch at a time: " + passes.subList(0, 10));
    assertTrue(Collections.max(passes) > oneBatchPerTask,
        "then passes merge several batches of a task; the largest: " + Collections.max(passes));
  }
}
