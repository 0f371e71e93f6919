package io.sparkformers.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One run of the job in this JVM: its exit code, stdout and stderr. */
record JobRun(int exitCode, String out, String err) {
  /** The library's test fixtures, read in place (tests run in the module folder). */
  static final Path FIXTURES = Paths.get("..", "spark-transformers", "src", "test", "resources", "fixtures");
  static final Path TEXT_CLASSIFIER = FIXTURES.resolve("text-classification-bert");
  /** Assembled by the build (generate-resources) before the tests run. */
  static final Path MINILM = Paths.get("target", "models", "all-MiniLM-L6-v2");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;

  /**
   * One local[2] session for the test JVM, started before the first run so the job uses it rather
   * than starting (and stopping) its own each time.
   */
  static synchronized SparkSession spark() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("sparkformers-jobs-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
    }
    return spark;
  }

  static JobRun of(String... args) {
    spark();
    return inActiveSession(args);
  }

  /** One run in the session already active in this JVM, as the job uses a running session. */
  static JobRun inActiveSession(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BatchInferenceJob.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new JobRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The summary line's key=value pairs; fails unless stdout is exactly that one line. */
  Map<String, String> summary() {
    List<String> lines = out.lines().toList();
    if (lines.size() != 1 || !lines.get(0).startsWith("sparkformers: ")) {
      throw new AssertionError("expected one summary line on stdout, got: " + out + "\nstderr: " + err);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : lines.get(0).substring("sparkformers: ".length()).split(" ")) {
      String[] kv = pair.split("=", 2);
      fields.put(kv[0], kv[1]);
    }
    return fields;
  }

  long count(String field) {
    return Long.parseLong(summary().get(field));
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String content) {
    try {
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
