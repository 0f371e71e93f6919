package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.Device;
import io.sparkformers.inference.engine.ModelSession;
import java.util.Locale;

/**
 * Whether a session's forward passes go through a {@link DeviceWorker}. {@code auto}, the default:
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
  ModelSession session(ModelSession session, Device device, String graphName, DeviceWorker.Settings settings) {
    return appliesTo(device)
        ? new DeviceWorkerSession(session, DeviceWorker.start(session, device + " " + graphName, settings))
        : session;
  }
}
