package io.sparkformers.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.OnnxRuntimeEngine;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.SimulatedGpu;
import io.sparkformers.testing.SimulatedGpuEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The simulated GPU of the gpu-sim benchmark: on the CUDA path, and out of memory as ONNX Runtime's CUDA arena is. */
class SimulatedGpuTest {
  private static final Path TAGGER = Fixtures.model("token-classification-bert");

  @Test
  void aModelOnTheSimulatedGpuRunsBehindTheDeviceWorkerAsOnCuda() {
    ModelSpec.Model model = new ModelSpec(TAGGER.toString(), null, SimulatedGpuEngine.NAME, "auto", 1)
        .open(new Configuration(), List.of("1"));

    assertEquals(Device.cuda(1), model.device(), "the GPU Spark assigned to the task");
    ModelSession session = model.session("model");
    assertInstanceOf(DeviceWorkerSession.class, session);
    Map<String, Tensor> out = session.run(text(3, 7), "logits");
    assertEquals(List.of(3L, 7L, (long) session.outputShape("logits")[2]),
        Arrays.stream(out.get("logits").shape()).boxed().toList());
    assertEquals(List.of(3), SimulatedGpu.device(1).usage().rowsPerForward());
  }

  @Test
  void aPassOverTheMemoryLimitFailsAsACudaOutOfMemoryDoes() {
    SimulatedGpu gpu = new SimulatedGpu(new SimulatedGpu.Cost(0, 0, 100));
    assertEquals("outputs", gpu.forward(10, 100, () -> "outputs"));

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> gpu.forward(10, 101, () -> "outputs"));

    assertInstanceOf(OrtException.class, e.getCause());
    assertTrue(e.getMessage().contains("Failed to allocate memory for requested buffer"), e.getMessage());
    assertTrue(DeviceMemory.exhausted(e));
    assertEquals(1, gpu.usage().outOfMemory());
    assertEquals(List.of(10), gpu.usage().rowsPerForward());
  }

  @Test
  void passesQueuedWhileTheDeviceComputesRunBackToBackInTheOrderTheyCame() throws Exception {
    SimulatedGpu gpu = new SimulatedGpu(new SimulatedGpu.Cost(Duration.ofMillis(100).toNanos(), 0, Long.MAX_VALUE));
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      long before = System.nanoTime();
      Future<Long> first = callers.submit(() -> gpu.forward(1, 1, System::nanoTime));
      Thread.sleep(30);
      Future<Long> second = callers.submit(() -> gpu.forward(2, 1, System::nanoTime));
      long firstReturned = first.get();
      long secondReturned = second.get();

      List<SimulatedGpu.Pass> passes = gpu.usage().passes();
      assertEquals(List.of(1, 2), gpu.usage().rowsPerForward());
      assertTrue(passes.get(0).startNanos() >= before);
      assertEquals(passes.get(0).endNanos(), passes.get(1).startNanos(), "the second starts as the first ends");
      assertEquals(Duration.ofMillis(200).toNanos(), gpu.usage().busyNanos());
      assertTrue(firstReturned >= passes.get(0).endNanos() && secondReturned >= passes.get(1).endNanos(),
          "each caller gets its outputs after its own pass");

      Thread.sleep(50);
      long idle = System.nanoTime();
      gpu.forward(3, 1, () -> null);
      assertTrue(gpu.usage().passes().get(2).startNanos() >= idle, "an idle device starts a pass when it comes");
    } finally {
      callers.shutdown();
    }
  }

  @Test
  void afterAMergeRunsOutOfMemoryTheWorkerMergesOnlyWhatFits() throws Exception {
    // four tasks' batches of 2 rows x 8 tokens (16 cells); the device holds 40 cells
    SimulatedGpu gpu = new SimulatedGpu(new SimulatedGpu.Cost(Duration.ofMillis(20).toNanos(), 0, 40));
    ModelSession declared = OnnxRuntimeEngine.INSTANCE.open(TAGGER.resolve("onnx/model.onnx"), Device.CPU, EngineOptions.defaults(1));
    // closing the worker's session closes the graph's
    try (DeviceWorkerSession worker = DeviceWorkerSession.start(new SimulatedGpuEngine.Session(declared, gpu), "sim",
        new CoalescingWorker.Settings(16, 256, Duration.ofMillis(200), 1), 0, new DeviceLoad("sim", System::nanoTime))) {
      for (int round = 0; round < 3; round++) {
        ExecutorService tasks = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Map<String, Tensor>>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          results.add(tasks.submit(() -> {
            start.await();
            return worker.run(text(2, 8), "logits");
          }));
        }
        start.countDown();
        for (Future<Map<String, Tensor>> r : results) assertEquals(2, r.get().get("logits").dim(0));
        tasks.shutdown();
      }
      SimulatedGpu.Usage usage = gpu.usage();
      assertEquals(1, usage.outOfMemory(), "one merge of 64 cells failed; none after it: " + usage.rowsPerForward());
      assertEquals(1, worker.stats().memorySplits());
      assertEquals(32, worker.stats().sizeCeiling(), "half the 64 that failed: two batches of 16");
      assertTrue(usage.rowsPerForward().stream().allMatch(rows -> rows <= 4), "at most two batches merged: " + usage.rowsPerForward());
    }
  }

  /** {@code rows} rows of {@code length} tokens, as a tokenizer's batch. */
  private static Map<String, Tensor> text(int rows, int length) {
    long[] ones = new long[rows * length];
    Arrays.fill(ones, 1);
    return Map.of("input_ids", Tensor.longs(ones, rows, length).paddedWith(0),
        "attention_mask", Tensor.longs(ones, rows, length).paddedWith(0),
        "token_type_ids", Tensor.longs(new long[rows * length], rows, length).paddedWith(0));
  }
}
