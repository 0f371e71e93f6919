package io.sparkformers.inference.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JVM-wide registry of loaded models: one instance per key (model URI and fingerprint, device,
 * engine options), created once under a per-key lock and shared by every task of the executor.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final Map<Object, Object> LOADED = new ConcurrentHashMap<>();
  private static final Map<String, Long> LOADS = new ConcurrentHashMap<>();

  private ModelCache() {}

  /**
   * The cached value for {@code key}, loading it if this JVM has none.
   *
   * @param kind what is loaded ("session", "tokenizer"): loads are counted per kind
   */
  @SuppressWarnings("unchecked")
  public static <T> T get(String kind, Object key, Supplier<T> loader) {
    // A holder per key: concurrent tasks wait for one load, while other keys load in parallel
    // (a load may itself use the cache, e.g. a pipeline loading its tokenizer).
    Loaded<T> slot = (Loaded<T>) LOADED.computeIfAbsent(key, k -> new Loaded<T>());
    return slot.get(kind, key, loader);
  }

  private static final class Loaded<T> {
    private T value;

    synchronized T get(String kind, Object key, Supplier<T> loader) {
      if (value == null) {
        long started = System.nanoTime();
        value = loader.get();
        long n = LOADS.merge(kind, 1L, Long::sum);
        LOG.info("{} load #{} in this JVM: {} ({} ms)", kind, n, key, (System.nanoTime() - started) / 1_000_000);
      }
      return value;
    }
  }

  /** Loads of this kind performed by this JVM since it started. */
  public static long loads(String kind) {
    return LOADS.getOrDefault(kind, 0L);
  }
}
