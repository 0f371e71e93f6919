package io.sparkformers.inference.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a model URI to a local folder. Local paths (no scheme, file:, or local:, Spark's word for a
 * path every node has) are used in place; any other Hadoop URI
 * (hdfs:, s3a:, dbfs:, abfss:) is copied once per JVM into a local cache directory, keyed by the
 * URI and the remote files' sizes and modification times, so a changed model is fetched again.
 * The caller supplies the Hadoop configuration: on a cluster it must be the driver's session
 * configuration, since credentials and file system settings given to Spark (spark.hadoop.*, or
 * fs.* set at runtime) are not in the configuration an executor would build from its own files.
 */
public final class ModelFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);
  private static final ConcurrentMap<String, Path> FETCHED = new ConcurrentHashMap<>();

  private ModelFetcher() {}

  public static boolean isLocal(String uri) {
    String scheme = URI.create(uri.replace('\\', '/')).getScheme();
    return scheme == null || scheme.equals("file") || scheme.equals("local") || scheme.length() == 1;
  }

  /**
   * The local folder of a model URI: the path itself, or its copy in the local cache, fetched with
   * {@code conf} (unused for local paths).
   */
  public static Path localFolder(String uri, Configuration conf) {
    if (isLocal(uri)) {
      if (uri.startsWith("local:")) return Paths.get(URI.create(uri).getPath());
      return uri.startsWith("file:") ? Paths.get(URI.create(uri)) : Paths.get(uri);
    }
    return FETCHED.computeIfAbsent(uri, u -> copyToCache(u, conf));
  }

  private static Path copyToCache(String uri, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = remote.getFileSystem(conf);
      StringBuilder identity = new StringBuilder(uri);
      for (FileStatus s : fs.listStatus(remote)) {
        identity.append('|').append(s.getPath().getName()).append(s.getLen()).append(s.getModificationTime());
      }
      Path cacheRoot = cacheRoot();
      Path target = cacheRoot.resolve(sha256(identity.toString()).substring(0, 16));
      if (Files.isDirectory(target)) return target;
      Files.createDirectories(cacheRoot);
      Path staging = Files.createTempDirectory(cacheRoot, "fetch-");
      long started = System.nanoTime();
      fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(staging.toUri()), true);
      Path copied = staging.resolve(remote.getName());
      try {
        Files.move(copied, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        // another JVM on this host fetched it first; theirs is as good as ours
        if (!Files.isDirectory(target)) throw raced;
      } finally {
        // the local file system's delete, as it wrote the copy (and its .crc files)
        FileSystem.getLocal(conf).delete(new org.apache.hadoop.fs.Path(staging.toUri()), true);
      }
      LOG.info("fetched model {} to {} in {} ms", uri, target, (System.nanoTime() - started) / 1_000_000);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch model folder " + uri + ": " + e.getMessage(), e);
    }
  }

  /**
   * An environment variable, not a system property: executors get it from
   * {@code spark.executorEnv.SPARKFORMERS_MODEL_CACHE}, while Spark refuses executor Java options
   * that contain "-Dspark", which "-Dsparkformers..." does.
   */
  private static Path cacheRoot() {
    String dir = System.getenv("SPARKFORMERS_MODEL_CACHE");
    return dir != null && !dir.isBlank() ? Paths.get(dir)
        : Paths.get(System.getProperty("java.io.tmpdir"), "sparkformers-models");
  }

  public static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
