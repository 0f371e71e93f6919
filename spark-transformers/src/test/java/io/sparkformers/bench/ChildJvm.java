package io.sparkformers.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a main class in a fresh JVM with this JVM's flags (and class path); returns its last stdout line. */
final class ChildJvm {
  private ChildJvm() {}

  static String run(Class<?> main, String... args) throws Exception {
    return run(System.getProperty("java.class.path"), main.getName(), args);
  }

  static String run(String classPath, String main, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(classPath);
    command.add(main);
    command.addAll(List.of(args));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (child.waitFor() != 0) throw new IllegalStateException("child JVM exited " + child.exitValue() + ": " + command);
    List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
    return lines.get(lines.size() - 1);
  }
}
