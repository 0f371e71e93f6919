package io.sparkformers.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import io.sparkformers.ml.InferenceStage;
import io.sparkformers.ml.NullableIntParam;
import io.sparkformers.ml.Tasks;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PySpark wrappers (python/sparkformers/ml.py) match the Java stages: pyspark is not installable
 * here, so python3 reads the module with {@code ast} (describe_wrappers.py) and this test compares what
 * it declares with every stage in {@link Tasks}: a Java Param added without its wrapper fails here.
 */
class PySparkWrappersTest {
  // tests run in the module folder
  private static final Path ML_PY = Paths.get("..", "python", "sparkformers", "ml.py");
  private static final Path NOTEBOOKS = Paths.get("..", "notebooks");

  /** The pyspark type converter each Java Param class needs, so Py4J hands Java the type it reads. */
  private static final Map<Class<?>, String> CONVERTERS = Map.of(
      Param.class, "TypeConverters.toString",   // a plain Param holds a string in every stage
      IntParam.class, "TypeConverters.toInt",
      LongParam.class, "TypeConverters.toInt",   // Py4J picks LongParam.w(long) for a Python int
      DoubleParam.class, "TypeConverters.toFloat",
      BooleanParam.class, "TypeConverters.toBoolean",
      StringArrayParam.class, "TypeConverters.toListString",
      IntArrayParam.class, "TypeConverters.toListInt",
      DoubleArrayParam.class, "TypeConverters.toListFloat",
      NullableIntParam.class, "_toNullableInt");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode wrappers;

  @BeforeAll
  static void describeWrappers() throws IOException, InterruptedException {
    // a failure, not a skip: without python3 the wrappers would go unchecked while CI stays green
    assertTrue(onPath("python3"), "python3 is not on the PATH: the PySpark wrappers cannot be checked");
    List<String> command = new ArrayList<>(List.of("-", ML_PY.toString()));
    pythonNotebooks().forEach(notebook -> command.add(notebook.toString()));
    String script;
    try (InputStream in = PySparkWrappersTest.class.getResourceAsStream("describe_wrappers.py")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    wrappers = JSON.readTree(python3(script, command.toArray(String[]::new)));
  }

  @Test
  void everyStageHasAWrapperWithItsParamsConvertersAndDefaults() {
    for (String task : Tasks.names()) {
      InferenceStage<?, ?, ?> stage = Tasks.stage(task);
      String javaClass = stage.getClass().getName();
      JsonNode wrapper = wrappers.path("stages").path(javaClass);
      assertTrue(wrapper.isObject(), "no class in ml.py has _java_class = \"" + javaClass + "\" (" + task + ")");
      String where = "ml.py " + wrapper.get("python").asText() + " vs " + javaClass;

      Map<String, String> javaParams = new TreeMap<>();
      Map<String, JsonNode> javaDefaults = new TreeMap<>();
      for (Param<?> param : stage.params()) {
        javaParams.put(param.name(), converterFor(param));
        if (stage.hasDefault(param)) javaDefaults.put(param.name(), numbersAsDoubles(jsonDefault(stage, param)));
      }
      Map<String, String> pythonParams = new TreeMap<>();
      wrapper.get("params").fields().forEachRemaining(e -> pythonParams.put(e.getKey(), e.getValue().asText()));
      Map<String, JsonNode> pythonDefaults = new TreeMap<>();
      wrapper.get("defaults").fields().forEachRemaining(e -> pythonDefaults.put(e.getKey(), numbersAsDoubles(e.getValue())));

      assertEquals(javaParams, pythonParams, where + ": Params and their type converters");
      assertEquals(javaDefaults, pythonDefaults, where + ": defaults");
    }
  }

  @Test
  void everyWrapperWrapsAStageAndIsExported() {
    Set<String> stageClasses = Tasks.names().stream().map(t -> Tasks.stage(t).getClass().getName())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(stageClasses, fieldNames(wrappers.get("stages")));
    Set<String> pythonClasses = new TreeSet<>();
    wrappers.get("stages").forEach(w -> pythonClasses.add(w.get("python").asText()));
    Set<String> exported = new TreeSet<>();
    wrappers.get("all").forEach(name -> exported.add(name.asText()));
    assertEquals(pythonClasses, exported, "ml.py __all__");
    assertEquals("[]", wrappers.get("problems").toString());
  }

  @Test
  void thePythonNotebooksBuildStagesWithParamsTheStagesHave() {
    assertTrue(wrappers.get("calls").size() > 0, "no stage constructed in " + pythonNotebooks());
    Map<String, InferenceStage<?, ?, ?>> stages = new TreeMap<>();
    Tasks.names().forEach(t -> stages.put(Tasks.stage(t).getClass().getSimpleName(), Tasks.stage(t)));
    for (JsonNode call : wrappers.get("calls")) {
      InferenceStage<?, ?, ?> stage = stages.get(call.get("python").asText());
      for (JsonNode keyword : call.get("keywords")) {
        assertTrue(stage.hasParam(keyword.asText()),
            call.get("where").asText() + ": " + stage.getClass().getSimpleName() + " has no Param " + keyword);
      }
    }
  }

  @Test
  void theWrappersAndPythonNotebooksCompile() throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-m", "py_compile"));
    try (Stream<Path> files = Files.list(ML_PY.getParent())) {
      files.filter(f -> f.toString().endsWith(".py")).forEach(f -> args.add(f.toString()));
    }
    pythonNotebooks().forEach(notebook -> args.add(notebook.toString()));
    python3(null, args.toArray(String[]::new));
  }

  private static List<Path> pythonNotebooks() {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(f -> f.toString().endsWith(".py")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String converterFor(Param<?> param) {
    String converter = CONVERTERS.get(param.getClass());
    if (converter == null) {
      throw new AssertionError("no pyspark type converter known for " + param.getClass().getName() + " ("
          + param.name() + "): add one to PySparkWrappersTest.CONVERTERS and to the wrapper");
    }
    return converter;
  }

  @SuppressWarnings("unchecked")
  private static JsonNode jsonDefault(InferenceStage<?, ?, ?> stage, Param<?> param) {
    Param<Object> p = (Param<Object>) param;
    try {
      return JSON.readTree(p.jsonEncode(stage.getDefault(p).get()));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Python writes 3600.0 where Java's JSON may read 3600, and 0 where a DoubleParam holds 0.0. */
  private static JsonNode numbersAsDoubles(JsonNode node) {
    if (node.isNumber()) return DoubleNode.valueOf(node.doubleValue());
    if (!node.isArray()) return node;
    ArrayNode array = JSON.createArrayNode();
    node.forEach(element -> array.add(numbersAsDoubles(element)));
    return array;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Paths.get(dir, program)));
  }

  /** Runs python3 with the arguments (and the script on stdin, if any); its stdout, or a failure with stderr. */
  private static String python3(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // py_compile's bytecode goes under target/, not beside the sources
    builder.environment().put("PYTHONPYCACHEPREFIX", Paths.get("target", "pycache").toAbsolutePath().toString());
    Process process = builder.start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), String.join(" ", command) + " failed:\n" + err);
    return out;
  }
}
