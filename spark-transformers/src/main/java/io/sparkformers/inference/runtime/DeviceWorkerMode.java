package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.ModelSession;
import java.time.Duration;
import java.util.Locale;

/**
 * Whether a session's forward passes go through a device worker ({@link DeviceWorkerSession}). {@code auto}, the default:
 * on CUDA devices only, since on CPU each task runs its own batches with {@code spark.task.cpus}
 * intra-op threads (DESIGN section 3); {@code on}: on every device (to measure it on CPU);
 * {@code off}: never.
 */
enum DeviceWorkerMode {
  AUTO, ON, OFF;

  /**
   * An environment variable, as the model cache folder is: executors get it from
   * {@code spark.executorEnv.SPARKFORMERS_DEVICE_WORKER}, while Spark refuses executor Java
   * options containing "-Dspark".
   */
  static final String VARIABLE = "SPARKFORMERS_DEVICE_WORKER";

  /**
   * The padding budget of merges ({@link TensorMerge}), in pad cells (rows x tokens), from the
   * environment as the mode is; 0 merges only batches of one sequence length.
   */
  static final String PADDING_VARIABLE = "SPARKFORMERS_DEVICE_PADDING";

  /** 8,192 pad cells: 32 rows padded by 256 tokens, or 256 rows by 32, next to a merged forward pass of 256 rows. */
  static final long DEFAULT_PADDING_BUDGET = 8_192;

  /**
   * 256 rows, eight default batches; no wait: a pass starts as soon as the device is idle, merging
   * only what already waits. While the device is the bottleneck, requests queue during each pass
   * and merge anyway; while it is not, waiting for company would leave it idle and hold the tasks
   * back. Four threads: while one pass runs, the others have merged the next ones and queued them
   * on the device (as launches queue on a CUDA stream), so the device runs on while a thread hands
   * a pass's outputs back or the JVM stops for a collection; with two, one queued pass (20 ms on
   * the gpu-sim benchmark's slow device) did not cover the pauses of a busy 2-core executor. The
   * device holds up to four merged batches in memory, which the worker's memory ceiling learns.
   */
  static final CoalescingWorker.Settings SETTINGS = CoalescingWorker.Settings.of(256, Duration.ZERO).withThreads(4);

  static DeviceWorkerMode fromEnvironment() {
    return parse(System.getenv(VARIABLE));
  }

  static DeviceWorkerMode parse(String value) {
    String v = value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "auto":
        return AUTO;
      case "on":
        return ON;
      case "off":
        return OFF;
      default:
        throw new IllegalArgumentException(VARIABLE + " must be auto, on or off, got '" + value + "'");
    }
  }

  static long paddingBudgetFromEnvironment() {
    String value = System.getenv(PADDING_VARIABLE);
    if (value == null || value.isBlank()) return DEFAULT_PADDING_BUDGET;
    try {
      long budget = Long.parseLong(value.trim());
      if (budget >= 0) return budget;
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(PADDING_VARIABLE + " must be a whole number >= 0, got '" + value + "'");
  }

  boolean appliesTo(Device device) {
    switch (this) {
      case ON:
        return true;
      case OFF:
        return false;
      default:
        return device.kind() == Device.Kind.CUDA;
    }
  }

  /** {@code session} as tasks on {@code device} use it: behind a new worker, or as it is. */
  ModelSession session(ModelSession session, Device device, String graphName, CoalescingWorker.Settings settings,
      long paddingBudget) {
    return appliesTo(device)
        ? DeviceWorkerSession.start(session, device + " " + graphName, settings, paddingBudget,
            DeviceLoad.of(device))
        : session;
  }
}
