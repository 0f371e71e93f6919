package io.sparkformers.inference.model;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.Map;
import java.util.TreeMap;
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
  /** A model folder holds a handful of files in one or two levels; a listing past these is refused. */
  private static final int MAX_FILES = 10_000;
  private static final int MAX_DEPTH = 8;

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
      Map<String, FileStatus> files = new TreeMap<>();
      listInside(fs, fs.makeQualified(remote), "", files, 0);
      StringBuilder identity = new StringBuilder(uri);
      files.forEach((name, s) -> identity.append('|').append(name).append(s.getLen()).append(s.getModificationTime()));
      Path cacheRoot = cacheRoot();
      Path target = cacheRoot.resolve(sha256(identity.toString()).substring(0, 16));
      if (Files.isDirectory(target)) return target;
      Files.createDirectories(cacheRoot);
      Path staging = Files.createTempDirectory(cacheRoot, "fetch-");
      long started = System.nanoTime();
      try {
        for (Map.Entry<String, FileStatus> f : files.entrySet()) {
          Path local = staging.resolve(f.getKey()).normalize();
          if (!local.startsWith(staging)) throw refused(uri, f.getKey());
          Files.createDirectories(local.getParent());
          try (InputStream in = fs.open(f.getValue().getPath())) {
            Files.copy(in, local);
          }
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        // another JVM on this host fetched it first; theirs is as good as ours
        if (!Files.isDirectory(target)) throw raced;
      } finally {
        deleteIfPresent(staging);
      }
      LOG.info("fetched model {} to {} in {} ms", uri, target, (System.nanoTime() - started) / 1_000_000);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch model folder " + uri + ": " + e.getMessage(), e);
    }
  }

  /**
   * The files under {@code dir} by their relative names. A listing comes from the remote store, which
   * may hold anything: an entry named "..", "." or with a separator, or one whose path is not a child
   * of the folder listed (an absolute name), would make the copy write or read outside the folder,
   * and is refused.
   */
  private static void listInside(FileSystem fs, org.apache.hadoop.fs.Path dir, String prefix,
      Map<String, FileStatus> out, int depth) throws IOException {
    String uri = dir.toString();
    if (depth > MAX_DEPTH) throw new ModelFolderException("model folder " + uri + " nests deeper than " + MAX_DEPTH);
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      boolean child = s.getPath().getParent() != null
          && s.getPath().getParent().toUri().getPath().equals(dir.toUri().getPath());
      if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")
          || !child) {
        throw refused(uri, s.getPath().toString());
      }
      if (out.size() >= MAX_FILES) throw new ModelFolderException("model folder " + uri + " holds over " + MAX_FILES + " files");
      if (s.isDirectory()) listInside(fs, s.getPath(), prefix + name + "/", out, depth + 1);
      else out.put(prefix + name, s);
    }
  }

  private static ModelFolderException refused(String folder, String entry) {
    return new ModelFolderException("the listing of remote model folder " + folder + " holds '" + entry
        + "', which is not a file inside it; refused (nothing was copied)");
  }

  private static void deleteIfPresent(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
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
