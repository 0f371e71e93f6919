package io.sparkformers.ml;

import io.sparkformers.inference.model.ModelFetcher;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where executors read a model folder. A Hadoop URI is fetched by each executor (ModelFetcher), and
 * a local path under a local master is read in place. A local path under a cluster master may exist
 * on the driver only (a notebook's download, the submitting machine's disk), so the driver ships it
 * through Spark's own file server: Spark's addFile refuses local directories outside local mode, so
 * the folder is zipped once and added as an archive, which each executor JVM fetches and unpacks
 * once into its SparkFiles directory (once per session: Spark 4 isolates sessions' artifacts). A
 * {@code local:} path is, as in Spark, one that every node already has: read in place, never shipped.
 */
public final class ModelLocation implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLocation.class);
  /** Zips made on this driver, by folder fingerprint: made once, served as long as the JVM lives. */
  private static final Map<String, Path> ARCHIVES = new ConcurrentHashMap<>();

  private final String uri;
  /** The unpacked archive under SparkFiles' root directory, or null when executors read {@link #uri}. */
  private final String shipped;

  private ModelLocation(String uri, String shipped) {
    this.uri = uri;
    this.shipped = shipped;
  }

  /**
   * On the driver, after the folder was validated: ships it, for {@code spark}'s jobs, when executors
   * may not be able to read it.
   */
  public static ModelLocation of(SparkSession spark, String uri) {
    SparkContext sc = spark.sparkContext();
    if (sc.isLocal() || !ModelFetcher.isLocal(uri) || uri.startsWith("local:")) return new ModelLocation(uri, null);
    Path folder = ModelFetcher.localFolder(uri, sc.hadoopConfiguration()).toAbsolutePath().normalize();
    String name = "sparkformers-model-" + fingerprint(folder);
    Path archive = ARCHIVES.compute(name, (k, made) -> made != null && Files.isRegularFile(made) ? made : zip(folder, k));
    return SessionArtifacts.withSessionState(spark, () -> {
      sc.addArchive(archive.toUri() + "#" + name);
      // relative to the root, as executors have a root of their own: a session's files sit in its own folder
      Path root = Paths.get(SparkFiles.getRootDirectory()).toAbsolutePath();
      return new ModelLocation(uri, root.relativize(Paths.get(SparkFiles.get(name)).toAbsolutePath()).toString());
    });
  }

  /** The URI the user gave, as the model's name in messages. */
  public String uri() {
    return uri;
  }

  /** The folder or URI this JVM opens: the shipped copy in SparkFiles' directory, else the URI. */
  public String onThisJvm() {
    return shipped == null ? uri : Paths.get(SparkFiles.getRootDirectory()).resolve(shipped).toAbsolutePath().toString();
  }

  /** The folder's path and its files' names, sizes and modification times: a changed model ships again. */
  private static String fingerprint(Path folder) {
    StringBuilder identity = new StringBuilder(folder.toString());
    for (Path file : files(folder)) {
      try {
        identity.append('|').append(folder.relativize(file)).append(Files.size(file))
            .append(Files.getLastModifiedTime(file).toMillis());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read model folder " + folder + ": " + e.getMessage(), e);
      }
    }
    return ModelFetcher.sha256(identity.toString()).substring(0, 16);
  }

  private static List<Path> files(Path folder) {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list model folder " + folder + ": " + e.getMessage(), e);
    }
  }

  /** Stored, not compressed: ONNX weights barely compress, and the driver should not spend minutes on it. */
  private static Path zip(Path folder, String name) {
    long started = System.nanoTime();
    try {
      Path archive = Files.createTempDirectory("sparkformers-shipped").resolve(name + ".zip");
      archive.toFile().deleteOnExit();
      archive.getParent().toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(out)) {
        zip.setLevel(Deflater.NO_COMPRESSION);
        for (Path file : files(folder)) {
          zip.putNextEntry(new ZipEntry(folder.relativize(file).toString().replace('\\', '/')));
          Files.copy(file, zip);
          zip.closeEntry();
        }
      }
      LOG.info("shipping model folder {} to the executors as {} ({} bytes, zipped in {} ms)", folder, archive,
          Files.size(archive), (System.nanoTime() - started) / 1_000_000);
      return archive;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack model folder " + folder + " for the executors: " + e.getMessage(), e);
    }
  }
}
