package io.sparkformers.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a model folder may make us read: only its own files, and none over a size that no published
 * model reaches. A model folder comes from whoever wrote it, so a link or an ONNX external-data
 * location that leads out of it (to /etc, to another user's files) is refused, and a file's size is
 * checked before it is read, so a 300 MB tokenizer.json or a config.json with ten million labels
 * fails on the driver with its size instead of exhausting the heap.
 */
public final class ModelFolderGuard {
  /** config.json and the other small JSON files: ImageNet-22k's 21,843 labels take about 1 MB. */
  public static final long MAX_CONFIG_BYTES = 32L << 20;
  /** tokenizer.json: the largest published ones (Gemma's 256k-token vocabulary) are about 35 MB. */
  public static final long MAX_TOKENIZER_BYTES = 128L << 20;
  /** A model folder holds a handful of files; a walk stops here rather than list a whole disk. */
  private static final int MAX_ENTRIES = 10_000;

  private ModelFolderGuard() {}

  /** Refuses any link in the folder (or its sub-folders) whose target lies outside the folder. */
  public static void checkLinks(Path dir) {
    Path root = realPath(dir);
    try (Stream<Path> entries = Files.walk(dir)) {
      Iterator<Path> it = entries.iterator();
      for (int seen = 0; it.hasNext(); seen++) {
        if (seen > MAX_ENTRIES) {
          throw new ModelFolderException("model folder " + dir + " holds more than " + MAX_ENTRIES + " entries");
        }
        Path entry = it.next();
        if (Files.isSymbolicLink(entry)) {
          Path target;
          try {
            target = entry.toRealPath();
          } catch (IOException e) {
            throw new ModelFolderException("model folder " + dir + ": " + dir.relativize(entry)
                + " is a broken link (" + e.getMessage() + ")", e);
          }
          if (!target.startsWith(root)) {
            throw outside(dir, dir.relativize(entry) + " is a link to " + target);
          }
        }
      }
    } catch (IOException e) {
      throw new ModelFolderException("cannot list model folder " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses an external-data location of the graph that is absolute or leads out of the folder
   * (ONNX Runtime resolves it against the graph's own directory).
   */
  public static void checkExternalData(Path dir, Path graph) {
    Path root = realPath(dir);
    Path base = graph.toAbsolutePath().getParent();
    for (String location : OnnxExternalData.locations(graph)) {
      Path relative = Path.of(location);
      Path resolved = base.resolve(relative).normalize();
      if (relative.isAbsolute() || location.startsWith("/") || location.startsWith("\\")
          || !resolved.startsWith(dir.toAbsolutePath().normalize())) {
        throw outside(dir, graph.getFileName() + " keeps a tensor in '" + location + "'");
      }
      if (Files.exists(resolved) && !realPath(resolved).startsWith(root)) {
        throw outside(dir, graph.getFileName() + " keeps a tensor in '" + location + "', a link to " + realPath(resolved));
      }
    }
  }

  /**
   * config.json's sizes that buffers follow, each with a bound far over any published model's (the
   * longest windows are about 10^6 positions, the largest vocabularies about 256k tokens).
   */
  private static final Map<String, Long> MAX_CONFIG_VALUES = Map.of(
      "max_position_embeddings", 1L << 24, "n_positions", 1L << 24, "n_ctx", 1L << 24,
      "vocab_size", 1L << 24, "num_labels", 1L << 20);
  private static final int MAX_LABELS = 1 << 20;

  /** Refuses config.json sizes no real model has (10^9 positions, 10 million labels). */
  public static void checkConfig(Path file, JsonNode config) {
    MAX_CONFIG_VALUES.forEach((key, max) -> {
      JsonNode value = config.get(key);
      if (value != null && value.isNumber() && (value.asDouble() > max || value.asDouble() < 0)) {
        throw new ModelFolderException(String.format(Locale.ROOT,
            "%s: %s is %s, outside 0..%,d; no model has that many", file, key, value.asText(), max));
      }
    });
    int labels = config.path("id2label").size();
    if (labels > MAX_LABELS) {
      throw new ModelFolderException(String.format(Locale.ROOT,
          "%s: id2label has %,d labels, over the limit of %,d", file, labels, MAX_LABELS));
    }
  }

  /** The file's size, refused over {@code max} bytes before anything is read from it. */
  public static void checkSize(Path file, long max) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new ModelFolderException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (size > max) {
      throw new ModelFolderException(String.format(Locale.ROOT,
          "%s is %,d bytes, over the limit of %,d for this file: not read (no published model's %s is this large)",
          file, size, max, file.getFileName()));
    }
  }

  /** The size limit of a JSON file of a model folder, by its name. */
  public static long maxJsonBytes(Path file) {
    return file.getFileName().toString().equals("tokenizer.json") ? MAX_TOKENIZER_BYTES : MAX_CONFIG_BYTES;
  }

  private static ModelFolderException outside(Path dir, String what) {
    return new ModelFolderException("model folder " + dir + ": " + what + ", outside the folder; a model folder"
        + " may only read its own files (copy the file in; a Hugging Face cache snapshot links to ../../blobs,"
        + " so download with --local-dir instead)");
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
