package io.sparkformers.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a main class in a fresh JVM with this JVM's flags (and class path); returns its last stdout line. */
final class ChildJvm {
  private ChildJvm() {}

  static String run(Class<?> main, String... args) throws Exception {
    return run(Map.of(), List.of(), main, args);
  }

  /** As {@link #run(Class, String...)}, with more environment variables and JVM options (after this JVM's). */
  static String run(Map<String, String> env, List<String> jvmOptions, Class<?> main, String... args) throws Exception {
    return run(env, jvmOptions, System.getProperty("java.class.path"), main.getName(), args);
  }

  /** As {@link #run(Class, String...)}, on another class path, with more JVM options (after this JVM's). */
  static String run(List<String> jvmOptions, String classPath, String main, String... args) throws Exception {
    return run(Map.of(), jvmOptions, classPath, main, args);
  }

  private static String run(Map<String, String> env, List<String> jvmOptions, String classPath, String main,
      String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(main);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(env);
    Process child = builder.start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (child.waitFor() != 0) throw new IllegalStateException("child JVM exited " + child.exitValue() + ": " + command);
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    return lines.get(lines.size() - 1);
  }
}
