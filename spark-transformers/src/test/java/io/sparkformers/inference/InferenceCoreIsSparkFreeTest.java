package io.sparkformers.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** DESIGN section 1: pipelines know nothing of Spark, so they serve the job, the UDFs and plain Java alike. */
class InferenceCoreIsSparkFreeTest {
  @Test
  void noSourceUnderInferenceImportsSpark() throws IOException {
    Path root = Paths.get("src/main/java/io/sparkformers/inference");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(root)) {
      offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> read(p).contains("import org.apache.spark."))
          .map(Path::toString)
          .collect(Collectors.toList());
    }
    assertEquals(List.of(), offenders);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
