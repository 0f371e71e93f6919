package io.sparkformers.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory (VmRSS of /proc/self/status): the Java heap plus everything native,
 * ONNX Runtime's arena and buffers included, which the heap figures cannot see. Linux only.
 */
final class Rss {
  private Rss() {}

  static long bytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim()) * 1024;
        }
      }
      throw new IllegalStateException("no VmRSS in /proc/self/status");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** After a full collection, so heap garbage that a collection would hand back counts less. */
  static double settledMb() {
    System.gc();
    return Bench.round(bytes() / 1e6);
  }
}
