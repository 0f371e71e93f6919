package io.sparkformers.inference.runtime;

import java.util.Locale;

/** Tells an out-of-memory failure of a forward pass from other failures. */
final class DeviceMemory {
  private DeviceMemory() {}

  /**
   * Whether {@code e}, or an exception it wraps, says the device ran out of memory: the JVM's own
   * OutOfMemoryError, ONNX Runtime's arena ("BFCArena::AllocateRawInternal ... Failed to allocate
   * memory for requested buffer of size N") or CUDA itself ("CUDA failure 2: out of memory").
   */
  static boolean exhausted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError) return true;
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("failed to allocate memory") || message.contains("out of memory")) return true;
    }
    return false;
  }
}
