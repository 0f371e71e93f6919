package io.sparkformers.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Hugging Face / Optimum ONNX model folder on local disk: config.json, tokenizer and processor
 * files, and graphs at the root or under {@code onnx/}. Reads JSON and locates ONNX files only; no
 * code or serialized objects are ever loaded from a model path.
 */
public final class ModelBundle {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final JsonNode config;

  private ModelBundle(Path dir, JsonNode config) {
    this.dir = dir;
    this.config = config;
  }

  /** Opens a local model folder; config.json is optional (a bare encoder export has none). */
  public static ModelBundle open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModelFolderException("model folder " + dir + " does not exist or is not a directory");
    }
    ModelFolderGuard.checkLinks(dir);
    Path configFile = dir.resolve("config.json");
    JsonNode config =
        Files.isRegularFile(configFile) ? readJson(configFile) : JSON.createObjectNode();
    ModelFolderGuard.checkConfig(configFile, config);
    return new ModelBundle(dir, config);
  }

  public Path dir() {
    return dir;
  }

  public JsonNode config() {
    return config;
  }

  public String modelType() {
    return config.path("model_type").asText("");
  }

  /** id2label ordered by id; empty when config.json has none. */
  public List<String> labels() {
    Map<Integer, String> byId = new TreeMap<>();
    config.path("id2label").fields()
        .forEachRemaining(e -> byId.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
    List<String> labels = new ArrayList<>(byId.values());
    int expected = 0;
    for (int id : byId.keySet()) {
      if (id != expected++) {
        throw new ModelFolderException(dir + "/config.json: id2label ids must be 0..n-1, got " + byId.keySet());
      }
    }
    return labels;
  }

  public Optional<String> problemType() {
    JsonNode p = config.get("problem_type");
    return p == null || p.isNull() ? Optional.empty() : Optional.of(p.asText());
  }

  /** tokenizer.json, which every text task needs. */
  public Path tokenizerFile() {
    Path file = require("tokenizer.json", "a text task needs the fast tokenizer file tokenizer.json"
        + " (save_pretrained of a fast tokenizer or optimum-cli export writes it)");
    ModelFolderGuard.checkSize(file, ModelFolderGuard.MAX_TOKENIZER_BYTES);
    return file;
  }

  public Optional<JsonNode> tokenizerConfig() {
    return optionalJson("tokenizer_config.json");
  }

  public Optional<JsonNode> preprocessorConfig() {
    return optionalJson("preprocessor_config.json");
  }

  /**
   * The graph {@code name} in the variant {@code dtype} (transformers.js file names): fp32 is
   * {@code name.onnx}, q8/quantized {@code name_quantized.onnx}, fp16, int8, uint8, q4, q4f16, bnb4
   * {@code name_<dtype>.onnx}. Looked up at the root, then under onnx/.
   */
  public Path graph(String name, String dtype) {
    return findGraph(name, dtype).orElseThrow(() -> new ModelFolderException("model folder " + dir + " has no "
        + name + variantSuffix(dtype) + ".onnx (looked in ./ and onnx/)"
        + (dtype == null || dtype.equals("fp32") ? "" : "; dtype=" + dtype + " picks that variant")));
  }

  /** The graph as {@link #graph}, or empty when the folder has none of that name. */
  public Optional<Path> findGraph(String name, String dtype) {
    String file = name + variantSuffix(dtype) + ".onnx";
    for (Path candidate : List.of(dir.resolve(file), dir.resolve("onnx").resolve(file))) {
      if (Files.isRegularFile(candidate)) {
        ModelFolderGuard.checkExternalData(dir, candidate);
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static String variantSuffix(String dtype) {
    String d = dtype == null ? "fp32" : dtype.toLowerCase(Locale.ROOT);
    switch (d) {
      case "fp32":
      case "auto":
        return "";
      case "q8":
      case "quantized":
        return "_quantized";
      case "fp16":
      case "int8":
      case "uint8":
      case "q4":
      case "q4f16":
      case "bnb4":
        return "_" + d;
      default:
        throw new ModelFolderException(
            "dtype must be one of fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4; got '" + dtype + "'");
    }
  }

  /** A positive int from config.json, or the default. */
  public int configInt(String key, int fallback) {
    JsonNode n = config.get(key);
    return n != null && n.canConvertToInt() ? n.asInt() : fallback;
  }

  private Path require(String file, String why) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new ModelFolderException("model folder " + dir + " has no " + file + ": " + why);
    }
    return p;
  }

  private Optional<JsonNode> optionalJson(String file) {
    return readJsonIfPresent(dir.resolve(file));
  }

  public static Optional<JsonNode> readJsonIfPresent(Path file) {
    return Files.isRegularFile(file) ? Optional.of(readJson(file)) : Optional.empty();
  }

  /** A JSON file, refused before reading when it is larger than any real model's (ModelFolderGuard). */
  public static JsonNode readJson(Path file) {
    ModelFolderGuard.checkSize(file, ModelFolderGuard.maxJsonBytes(file));
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelFolderException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ModelBundle(" + dir + ", model_type=" + modelType() + ")";
  }
}
