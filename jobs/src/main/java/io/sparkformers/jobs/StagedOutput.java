package io.sparkformers.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;

/**
 * The job's output written beside its final place and moved there only when the write succeeded,
 * so a failed job leaves nothing that blocks its re-run, and --overwrite replaces the old output
 * only with a complete new one. The staging folder starts with an underscore, which Spark's readers
 * skip in the parent folder; a driver killed mid-write leaves it for the next run to clear.
 */
final class StagedOutput {
  private final SparkContext sc;
  private final FileSystem fs;
  private final Path output;
  private final Path staging;

  private StagedOutput(SparkContext sc, FileSystem fs, Path output) {
    this.sc = sc;
    this.fs = fs;
    this.output = output;
    this.staging = new Path(output.getParent(), "_" + output.getName() + ".sparkformers-staging");
  }

  /** Refuses an existing output unless {@code overwrite}. */
  static StagedOutput at(SparkContext sc, String output, boolean overwrite) {
    try {
      Path path = new Path(output);
      FileSystem fs = path.getFileSystem(sc.hadoopConfiguration());
      StagedOutput staged = new StagedOutput(sc, fs, fs.makeQualified(path));
      if (!overwrite && fs.exists(staged.output)) {
        throw JobArgumentException.rejected("output " + output + " already exists; pass --overwrite to replace it");
      }
      return staged;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code write} on the staging folder, then moves it to the output; on failure removes it
   * once the write's tasks have ended.
   */
  void write(Consumer<String> write) {
    try {
      fs.delete(staging, true);
      boolean written = false;
      try {
        SettledAction.run(sc, () -> write.accept(staging.toString()));
        written = true;
      } finally {
        // Spark's SparkException is checked but undeclared, so no catch clause would name it
        if (!written) fs.delete(staging, true);
      }
      fs.delete(output, true);
      if (!fs.rename(staging, output)) throw new IOException("could not move " + staging + " to " + output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
