package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.Device;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How busy a device is: the share of the last second during which at least one forward pass ran on
 * it, counted by its device workers (every graph's). Tasks overlap their forward passes with
 * pre-processing only while the device is {@link #saturated} (see {@link LengthBucketBatcher}): then
 * the device limits the job, and several batches of each task waiting at it merge into fewer,
 * larger passes. Otherwise the device keeps up with one batch per task, and the threads that would
 * overlap them only take the host's cores from pre-processing (on the gpu-sim benchmark's fast
 * device, 17% of the rows; one batch each ran as fast as without the worker).
 */
final class DeviceLoad {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceLoad.class);

  /**
   * The busy share from which the device counts as the limit. A pass's time includes its caller's
   * waits for a core, so a busy host counts more than the device computes: on the gpu-sim
   * benchmark (2 cores, 4 tasks) the slow device counts 0.98 to 1.0 of each second with one batch
   * per task, the fast one 0.78 to 0.84 (it computes 0.5), and less when overlapped, so neither
   * flips over.
   */
  static final double SATURATED = 0.9;

  private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Map<Device, DeviceLoad> DEVICES = new ConcurrentHashMap<>();

  private final String name;
  private final LongSupplier clock;
  private int running;
  /** Busy time of the passes that ended, and when the running ones began to keep the device busy. */
  private long busyNanos;
  private long busySince;
  private long periodStart;
  private long busyAtPeriodStart;
  private double lastPeriodBusy;

  DeviceLoad(String name, LongSupplier clock) {
    this.name = name;
    this.clock = clock;
    this.periodStart = clock.getAsLong();
  }

  /** The JVM's load meter of {@code device}. */
  static DeviceLoad of(Device device) {
    return DEVICES.computeIfAbsent(device, d -> new DeviceLoad(d.toString(), System::nanoTime));
  }

  /** {@code batching} with its passes counted on this device. */
  <R, O> CoalescingWorker.Batching<R, O> metering(CoalescingWorker.Batching<R, O> batching) {
    return new CoalescingWorker.Batching<>() {
      @Override
      public int rows(R request) {
        return batching.rows(request);
      }

      @Override
      public long size(List<R> requests) {
        return batching.size(requests);
      }

      @Override
      public List<O> run(List<R> requests) {
        started();
        try {
          return batching.run(requests);
        } finally {
          ended();
        }
      }
    };
  }

  synchronized void started() {
    long now = clock.getAsLong();
    if (running++ == 0) busySince = now;
    roll(now);
  }

  synchronized void ended() {
    long now = clock.getAsLong();
    if (--running == 0) busyNanos += now - busySince;
    roll(now);
  }

  /** Whether at least {@link #SATURATED} of the last full second had a pass running; false before one has passed. */
  synchronized boolean saturated() {
    roll(clock.getAsLong());
    return lastPeriodBusy >= SATURATED;
  }

  private void roll(long now) {
    if (now - periodStart < PERIOD_NANOS) return;
    long busy = busyNanos + (running > 0 ? now - busySince : 0);
    boolean was = lastPeriodBusy >= SATURATED;
    lastPeriodBusy = (double) (busy - busyAtPeriodStart) / (now - periodStart);
    periodStart = now;
    busyAtPeriodStart = busy;
    if (was != lastPeriodBusy >= SATURATED) {
      LOG.info("device {} was busy {} of the last second: tasks {} their forward passes with pre-processing", name,
          String.format(Locale.ROOT, "%.2f", lastPeriodBusy), was ? "stop overlapping" : "overlap");
    }
  }
}
