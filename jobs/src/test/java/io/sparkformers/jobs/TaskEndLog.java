package io.sparkformers.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.testing.TaskAttempts.Attempt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The task attempts a job's driver saw end, one JSON line each, for a test whose job runs in a JVM
 * of its own ({@link JobProcess}), whose SparkContext it cannot reach. Spark builds the listener
 * from spark.extraListeners and drains it when the job stops its session.
 */
public final class TaskEndLog extends SparkListener {
  private static final String FILE = "spark.sparkformers.test.taskEndLog";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public TaskEndLog(SparkConf conf) {
    file = Path.of(conf.get(FILE));
  }

  /** The settings that make a job's driver log its task ends to {@code file}. */
  static Map<String, String> settings(Path file) {
    return Map.of("spark.extraListeners", TaskEndLog.class.getName(), FILE, file.toString());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    try {
      Files.writeString(file, JSON.writeValueAsString(Attempt.of(end)) + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The attempts logged to {@code file}, in the order they ended. */
  static List<Attempt> read(Path file) throws IOException {
    List<Attempt> attempts = new ArrayList<>();
    for (String line : Files.readAllLines(file)) attempts.add(JSON.readValue(line, Attempt.class));
    return attempts;
  }
}
