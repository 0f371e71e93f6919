package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.engine.EngineOptions;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.OpenSessionVerboseMain;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import io.sparkformers.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** ortCpuArena and ortMemoryPattern: from the stage (or the job's --option) to ONNX Runtime's SessionOptions. */
class OrtMemoryOptionsTest {
  private static final Path MINILM = Fixtures.miniLm();

  @Test
  void theSettingsReachTheSessionOptionsOnnxRuntimeBuildsWith() throws Exception {
    String off = sessionOptionsLoggedByOnnxRuntime(false, false);
    assertTrue(off.contains("enable_cpu_mem_arena:0"), off);
    assertTrue(off.contains("enable_mem_pattern:0"), off);
    String on = sessionOptionsLoggedByOnnxRuntime(true, true);
    assertTrue(on.contains("enable_cpu_mem_arena:1"), on);
    assertTrue(on.contains("enable_mem_pattern:1"), on);
  }

  @Test
  void withoutArenaAndMemoryPatternTheStageGivesTheSameEmbeddings() {
    List<Row> defaults = embed(new FeatureExtractor());
    List<Row> off = embed(new FeatureExtractor().setOrtCpuArena(false).setOrtMemoryPattern(false));
    assertEquals(defaults.size(), off.size());
    for (int r = 0; r < defaults.size(); r++) {
      assertArrayEquals(Vectors.floats(defaults.get(r).getList(0)), Vectors.floats(off.get(r).getList(0)), 1e-6f,
          "row " + r);
    }
  }

  @Test
  void sessionsWithDifferentSettingsAreCachedApart() {
    ModelSession defaults = session(new FeatureExtractor());
    ModelSession noArena = session(new FeatureExtractor().setOrtCpuArena(false));
    ModelSession noPattern = session(new FeatureExtractor().setOrtMemoryPattern(false));
    assertNotSame(defaults, noArena);
    assertNotSame(defaults, noPattern);
    assertNotSame(noArena, noPattern);
    assertSame(noArena, session(new FeatureExtractor().setOrtCpuArena(false)));
  }

  @Test
  void theJobAndSqlOptionNamesSetThem() {
    FeatureExtractor stage = new FeatureExtractor();
    StageOptions.apply(stage, Map.of("ort_cpu_arena", "false", "ort_memory_pattern", "false"));
    assertFalse(stage.getOrtCpuArena());
    assertFalse(stage.getOrtMemoryPattern());
    assertEquals(new EngineOptions(2, false, false), stage.modelSpec("m", 2).options());
    assertEquals(new EngineOptions(1, true, true), new FeatureExtractor().modelSpec("m", 1).options());
  }

  private static ModelSession session(FeatureExtractor stage) {
    return stage.modelSpec(MINILM.toString(), 1).onCpu().open(new Configuration(), List.of()).session("model");
  }

  private static List<Row> embed(FeatureExtractor stage) {
    List<String> texts = List.of("A short one.", "Memory settings must not change what the model computes,"
        + " only where ONNX Runtime keeps its buffers between runs.", "Third sentence, of middling length.");
    return stage.setModelPath(MINILM.toString()).setInputCol("text").setOutputCol("embedding")
        .setPooling("mean").setNormalize(true).setBatchSize(2)
        .transform(LocalSpark.get().createDataset(texts, Encoders.STRING()).toDF("text"))
        .select("embedding").collectAsList();
  }

  /** ONNX Runtime prints its SessionOptions at verbose level to native stderr: read from a child JVM. */
  private static String sessionOptionsLoggedByOnnxRuntime(boolean cpuArena, boolean memoryPattern) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(java, "-cp", classPath, OpenSessionVerboseMain.class.getName(),
        Fixtures.model("text-classification-bert").resolve("onnx/model.onnx").toString(), Boolean.toString(cpuArena),
        Boolean.toString(memoryPattern))
        .redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(2, TimeUnit.MINUTES), output);
    assertEquals(0, child.exitValue(), output);
    return output.lines().filter(l -> l.contains("Session Options {")).findFirst()
        .orElseThrow(() -> new AssertionError("ONNX Runtime logged no session options:\n" + output));
  }
}
