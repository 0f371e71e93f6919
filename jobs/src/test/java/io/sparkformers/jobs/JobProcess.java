package io.sparkformers.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The job as a user runs it: its own JVM, started through main(), so a test can see its whole
 * terminal output and exit code, or kill it as a crashed driver would be.
 */
final class JobProcess {
  private final Process process;
  private final Path out;
  private final Path err;

  private JobProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /**
   * Starts the job with this JVM's class path and module flags; {@code properties} become -D
   * system properties (Spark reads spark.* ones as its configuration), {@code env} is added.
   */
  static JobProcess start(Path logs, Map<String, String> properties, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!flag.startsWith("-Xmx")) command.add(flag);
    }
    command.add("-Xmx1g");
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-cp", classPath(), BatchInferenceJob.class.getName()));
    command.addAll(List.of(args));
    Files.createDirectories(logs);
    Path out = Files.createTempFile(logs, "job", ".out");
    Path err = Files.createTempFile(logs, "job", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(env);
    return new JobProcess(builder.start(), out, err);
  }

  /** The test class path (surefire names it; the JVM's own may be a manifest-only jar). */
  static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** Waits for the job to end, at most {@code minutes}. */
  JobRun await(int minutes) throws Exception {
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("job still running after " + minutes + " min; stderr: " + read(err));
    }
    return new JobRun(process.exitValue(), read(out), read(err));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the JVM as a crashed driver dies: no shutdown hooks, no clean-up. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String err() throws IOException {
    return read(err);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

}
