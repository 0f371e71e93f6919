package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The example job configurations in conf/jobs, picocli argument files written for the repository
 * root: each runs as written, its paths moved under this module's parent and its output into a
 * temporary folder, every row read comes out and none fails.
 */
class ExampleJobConfigsTest {
  private static final Path EXAMPLES = Paths.get("..", "conf", "jobs");

  @TempDir
  Path dir;

  static Stream<Path> examples() throws IOException {
    return Files.list(EXAMPLES).filter(p -> p.toString().endsWith(".args")).sorted();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void runsAsWritten(Path example) throws IOException {
    String text = Files.readString(example)
        .replaceAll("(?m)^--output \\S+", "--output " + dir.resolve("out"))
        .replaceAll("(?m)^(--(?:model|input) \"?)(?=jobs/|spark-transformers/)", "$1../");
    Path args = Files.writeString(dir.resolve(example.getFileName()), text);
    JobRun run = JobRun.of("@" + args);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.count("rows_out") > 0, run.out());
    assertEquals(run.count("rows_in"), run.count("rows_out"), run.out());
    assertEquals(0, run.count("rows_failed"), run.out());
  }
}
