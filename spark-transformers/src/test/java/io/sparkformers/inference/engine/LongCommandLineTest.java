package io.sparkformers.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Guards the ONNX Runtime pin: 1.29.0 kills the JVM (exit 139) in createSession when the JVM's
 * command line is longer than about 4 KB, which every Spark executor's class path is.
 */
class LongCommandLineTest {
  private static final String MODEL = "text-classification-bert";
  private static final int LONG_COMMAND_LINE = 8 * 1024;

  @Test
  void aSessionRunsInAJvmWhoseCommandLineIsOver8Kb() throws Exception {
    Path model = Fixtures.model(MODEL);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = List.of(java, "-cp", classPath,
        // padding, so the command line is long whatever the class path is
        "-Dsparkformers.padding=" + "x".repeat(LONG_COMMAND_LINE),
        RunGraphMain.class.getName(), model.resolve("onnx/model.onnx").toString(),
        model.resolve("golden.json").toString());
    assertTrue(String.join(" ", command).length() > LONG_COMMAND_LINE);

    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = readAll(child);
    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "child JVM did not finish:\n" + output);
    assertEquals(0, child.exitValue(), "child JVM failed (139 is the 1.29.0 crash):\n" + output);

    String line = output.lines().filter(l -> l.startsWith("logits ")).findFirst()
        .orElseThrow(() -> new AssertionError("no logits printed:\n" + output));
    String[] printed = line.substring("logits ".length()).split(" ");
    JsonNode golden = Fixtures.golden(MODEL, "golden.json").get("cases").get(0).get("logits").get("data");
    assertEquals(golden.size(), printed.length, line);
    for (int i = 0; i < printed.length; i++) {
      assertEquals(golden.get(i).floatValue(), Float.parseFloat(printed[i]), 1e-4, line);
    }
  }

  private static String readAll(Process child) throws IOException {
    return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
