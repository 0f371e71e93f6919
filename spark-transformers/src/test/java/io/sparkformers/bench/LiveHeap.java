package io.sparkformers.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak live heap over a stretch of work: the largest heap in use right after any collection that
 * ran meanwhile, plus a full collection at the end. Heap used at an arbitrary moment is mostly
 * garbage waiting for the next young collection, sized by GC ergonomics; what is left after a
 * collection is what the work keeps, the figure that must not grow with the row count.
 */
final class LiveHeap implements AutoCloseable {
  private final AtomicLong peak = new AtomicLong();
  private final List<Runnable> unregister = new ArrayList<>();

  private LiveHeap() {}

  static LiveHeap start() {
    System.gc(); // what was live before starts the measurement, not the garbage of start-up
    LiveHeap heap = new LiveHeap();
    NotificationListener listener = (notification, handback) -> {
      if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
      heap.peak.accumulateAndGet(used, Math::max);
    };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      NotificationEmitter emitter = (NotificationEmitter) gc;
      emitter.addNotificationListener(listener, null, null);
      heap.unregister.add(() -> {
        try {
          emitter.removeNotificationListener(listener);
        } catch (javax.management.ListenerNotFoundException ignored) {
          // already gone
        }
      });
    }
    return heap;
  }

  /** Peak live bytes since {@link #start}, including a full collection now. */
  long peakBytes() {
    System.gc();
    // notifications arrive on a JMX thread; the final one may lag the gc() call
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return Math.max(peak.get(), live);
  }

  @Override
  public void close() {
    unregister.forEach(Runnable::run);
  }
}
