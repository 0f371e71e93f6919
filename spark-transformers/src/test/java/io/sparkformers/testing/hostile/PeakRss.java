package io.sparkformers.testing.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set of this JVM from /proc/self/status: VmRSS now and VmHWM, its peak since
 * {@link #reset} (writing 5 to /proc/self/clear_refs resets the peak, Linux 4.0+).
 */
public final class PeakRss {
  private static final Path STATUS = Path.of("/proc/self/status");

  private PeakRss() {}

  public static void reset() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the peak RSS", e);
    }
  }

  public static long currentMb() {
    return field("VmRSS:");
  }

  public static long peakMb() {
    return field("VmHWM:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) / 1024;
        }
      }
      throw new IllegalStateException(name + " not in " + STATUS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
