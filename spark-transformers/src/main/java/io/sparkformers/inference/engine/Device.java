package io.sparkformers.inference.engine;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a model runs. Parsed from the user's {@code device} setting; {@code auto} is resolved per
 * task from the GPU addresses Spark assigned to it, so the inference core never asks Spark itself.
 */
public final class Device implements java.io.Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(Device.class);
  private static volatile boolean toldCpu;
  private static volatile boolean warnedNoCuda;

  public enum Kind { AUTO, CPU, CUDA }

  public static final Device CPU = new Device(Kind.CPU, -1);
  public static final Device AUTO = new Device(Kind.AUTO, -1);

  private final Kind kind;
  private final int index;

  private Device(Kind kind, int index) {
    this.kind = kind;
    this.index = index;
  }

  public static Device cuda(int index) {
    return new Device(Kind.CUDA, index);
  }

  /** {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}. */
  public static Device parse(String spec) {
    String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) return AUTO;
    if (s.equals("cpu")) return CPU;
    if (s.equals("cuda") || s.equals("gpu")) return new Device(Kind.CUDA, -1);
    if (s.startsWith("cuda:")) {
      try {
        int n = Integer.parseInt(s.substring(5));
        if (n >= 0) return cuda(n);
      } catch (NumberFormatException ignored) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException(
        "device must be auto, cpu, cuda or cuda:N, got '" + spec + "'");
  }

  /**
   * The concrete device for one task.
   *
   * @param assignedGpus GPU addresses Spark gave this task (empty when none)
   * @param gpuUsable whether the engine can drive a GPU in this JVM (CUDA build and driver present)
   */
  public Device resolve(List<String> assignedGpus, boolean gpuUsable) {
    switch (kind) {
      case CPU:
        return CPU;
      case CUDA: {
        if (!gpuUsable) {
          throw new IllegalStateException(
              "device " + this + " was requested but no usable CUDA GPU is available to the engine"
                  + " in this JVM (build with -Pgpu and run on a CUDA executor, or use device=auto/cpu)");
        }
        if (index >= 0) return this;
        return cuda(assignedGpus.isEmpty() ? 0 : Integer.parseInt(assignedGpus.get(0).trim()));
      }
      default: {
        if (!assignedGpus.isEmpty() && gpuUsable) {
          return cuda(Integer.parseInt(assignedGpus.get(0).trim()));
        }
        // no GPU is the normal CPU case; a GPU this build cannot drive is a misconfiguration
        if (assignedGpus.isEmpty() && !toldCpu) {
          toldCpu = true;
          LOG.info("device=auto: no GPU assigned to this task, running on CPU");
        } else if (!assignedGpus.isEmpty() && !warnedNoCuda) {
          warnedNoCuda = true;
          LOG.warn("device=auto: GPU " + assignedGpus + " assigned but the engine has no CUDA"
              + " support in this JVM (build with -Pgpu), running on CPU");
        }
        return CPU;
      }
    }
  }

  /** Lets a test see the once-per-JVM notices of {@link #resolve} again. */
  static void forgetNotices() {
    toldCpu = false;
    warnedNoCuda = false;
  }

  public Kind kind() {
    return kind;
  }

  /** CUDA ordinal, or -1. */
  public int index() {
    return index;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Device && ((Device) o).kind == kind && ((Device) o).index == index;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, index);
  }

  @Override
  public String toString() {
    return kind == Kind.CUDA
        ? (index >= 0 ? "cuda:" + index : "cuda")
        : kind.name().toLowerCase(Locale.ROOT);
  }
}
