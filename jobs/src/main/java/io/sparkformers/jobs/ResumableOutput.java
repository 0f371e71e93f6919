package io.sparkformers.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The output of a --resume run, committed in chunks of input files. Each chunk is written by Spark
 * to a hidden staging folder, its files are moved into the output under names that say the chunk
 * (Spark's per-write id taken out, so a re-run names them the same), and only then is the chunk
 * marked committed. A re-run skips the committed chunks and clears whatever an interrupted chunk
 * left. The manifest holds the fingerprint of the first run; a different one refuses to resume.
 * Names starting with an underscore are skipped by Spark's readers.
 */
final class ResumableOutput {
  static final String MANIFEST = "_sparkformers_resume.json";
  private static final String CHUNKS = "_sparkformers_chunks";
  private static final Pattern SPARK_WRITE_ID = Pattern.compile("-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path output;
  private final List<List<FileStatus>> chunks;

  private ResumableOutput(FileSystem fs, Path output, List<List<FileStatus>> chunks) {
    this.fs = fs;
    this.output = output;
    this.chunks = chunks;
  }

  /** The files Spark reads for an input path or glob, hidden ones left out as Spark does, in path order. */
  static List<FileStatus> inputFiles(Configuration conf, String input) throws IOException {
    Path path = new Path(input);
    FileSystem fs = path.getFileSystem(conf);
    List<FileStatus> files = new ArrayList<>();
    FileStatus[] matches = fs.globStatus(path);
    for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
      if (!match.isDirectory()) {
        files.add(match);
        continue;
      }
      RemoteIterator<LocatedFileStatus> listed = fs.listFiles(match.getPath(), true);
      while (listed.hasNext()) {
        LocatedFileStatus f = listed.next();
        String relative = match.getPath().toUri().relativize(f.getPath().toUri()).getPath();
        if (!Pattern.compile("(^|/)[_.]").matcher(relative).find()) files.add(f);
      }
    }
    files.sort(Comparator.comparing(FileStatus::getPath));
    return files;
  }

  /** A new resumable output, or the one an earlier run of the same fingerprint left. */
  @SuppressWarnings("unchecked")
  static ResumableOutput open(Configuration conf, String output, ResumeFingerprint fingerprint,
      List<FileStatus> inputFiles, int filesPerChunk) {
    try {
      Path path = new Path(output);
      FileSystem fs = path.getFileSystem(conf);
      Path root = fs.makeQualified(path);
      Path manifest = new Path(root, MANIFEST);
      if (!fs.exists(root)) {
        fs.mkdirs(new Path(root, CHUNKS));
        writeJson(fs, manifest, fingerprint.entries());
      } else if (!fs.exists(manifest)) {
        throw JobArgumentException.rejected("output " + output + " exists and was not written by a --resume run;"
            + " remove it or choose another --output");
      } else {
        ResumeFingerprint earlier = new ResumeFingerprint(readJson(fs, manifest, Map.class));
        List<String> changes = fingerprint.changesSince(earlier);
        if (!changes.isEmpty()) {
          throw JobArgumentException.rejected("cannot resume " + output + ": changed since the run that started it: "
              + String.join("; ", changes) + ". Remove the output to start over");
        }
      }
      List<List<FileStatus>> chunks = new ArrayList<>();
      for (int i = 0; i < inputFiles.size(); i += filesPerChunk) {
        chunks.add(inputFiles.subList(i, Math.min(inputFiles.size(), i + filesPerChunk)));
      }
      return new ResumableOutput(fs, root, chunks);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int chunkCount() {
    return chunks.size();
  }

  String[] files(int chunk) {
    return chunks.get(chunk).stream().map(f -> f.getPath().toString()).toArray(String[]::new);
  }

  boolean committed(int chunk) {
    try {
      return fs.exists(marker(chunk));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RowCounts counts(int chunk) {
    try {
      return readJson(fs, marker(chunk), RowCounts.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a chunk with {@code write} (given its staging folder) and commits it with its counts,
   * which {@code write} returns once Spark's write is done.
   */
  void commit(int chunk, Function<String, RowCounts> write) {
    try {
      clear(chunk);
      Path staging = new Path(new Path(output, CHUNKS), name(chunk));
      RowCounts counts = write.apply(staging.toString());
      for (FileStatus f : fs.listStatus(staging)) {
        String file = f.getPath().getName();
        if (file.startsWith("_") || file.startsWith(".")) continue;
        Path target = new Path(output, name(chunk) + "-" + SPARK_WRITE_ID.matcher(file).replaceAll(""));
        if (!fs.rename(f.getPath(), target)) throw new IOException("could not move " + f.getPath() + " to " + target);
      }
      Path pending = new Path(staging + ".json.pending");
      writeJson(fs, pending, counts);
      if (!fs.rename(pending, marker(chunk))) throw new IOException("could not commit " + marker(chunk));
      fs.delete(staging, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Marks the whole output complete, as Spark's writers do. */
  void finish() {
    try {
      fs.create(new Path(output, "_SUCCESS"), true).close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What an interrupted attempt at the chunk left: moved files, staging folder, pending marker. */
  private void clear(int chunk) throws IOException {
    for (FileStatus f : fs.listStatus(output)) {
      if (f.getPath().getName().startsWith(name(chunk) + "-")) fs.delete(f.getPath(), false);
    }
    Path staging = new Path(new Path(output, CHUNKS), name(chunk));
    fs.delete(staging, true);
    fs.delete(new Path(staging + ".json.pending"), false);
  }

  private Path marker(int chunk) {
    return new Path(new Path(output, CHUNKS), name(chunk) + ".json");
  }

  private static String name(int chunk) {
    return String.format("chunk-%05d", chunk);
  }

  private static void writeJson(FileSystem fs, Path path, Object value) throws IOException {
    try (OutputStream out = fs.create(path, true)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(out, value);
    }
  }

  private static <T> T readJson(FileSystem fs, Path path, Class<T> type) throws IOException {
    try (InputStream in = fs.open(path)) {
      return JSON.readValue(in, type);
    }
  }
}
