package io.sparkformers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.runtime.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** Test models: the tiny fixtures under test resources and real embedding models from Maven artifacts. */
public final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();
  // tests run in the module folder, so the sibling module is one level up
  private static final Path MINILM_CONFIG = Paths.get("..", "jobs", "src", "main", "models", "all-MiniLM-L6-v2");

  private Fixtures() {}

  public static Path model(String name) {
    return resource("fixtures/" + name);
  }

  public static JsonNode golden(String model, String file) {
    try {
      return JSON.readTree(model(model).resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data of a golden tensor {dtype, shape, data}. */
  public static float[] floats(JsonNode tensor) {
    JsonNode data = tensor.get("data");
    float[] out = new float[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.get(i).floatValue();
    }
    return out;
  }

  public static ModelSpec spec(Path folder) {
    return new ModelSpec(folder.toString(), "fp32", "onnxruntime", "cpu", 1);
  }

  public static ModelSpec.Model open(Path folder) {
    return spec(folder).open(new Configuration(), List.of());
  }

  /**
   * all-MiniLM-L6-v2 as a model folder: the graph (model.onnx), its int8 quantization
   * (model_quantized.onnx, dtype=q8) and tokenizer.json come from the langchain4j Maven artifacts,
   * config.json and sentence_bert_config.json are the published model's own, kept once, in the jobs
   * module that bundles the same folder as its demo model.
   */
  public static Path miniLm() {
    return fromJar("all-MiniLM-L6-v2", List.of("/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-q.onnx"),
        "/all-minilm-l6-v2-tokenizer.json", MINILM_CONFIG, List.of("config.json", "sentence_bert_config.json"));
  }

  /** intfloat/e5-small-v2 (langchain4j's artifact of Xenova's export); config.json as published. */
  public static Path e5SmallV2() {
    return fromJar("e5-small-v2", List.of("/e5-small-v2.onnx"), "/e5-small-v2-tokenizer.json",
        resource("models/e5-small-v2"), List.of("config.json", "tokenizer_config.json"));
  }

  /** BAAI/bge-small-en-v1.5 (langchain4j's artifact of Xenova's export); config.json as published. */
  public static Path bgeSmallEnV15() {
    return fromJar("bge-small-en-v1.5", List.of("/bge-small-en-v1.5.onnx"), "/bge-small-en-v1.5-tokenizer.json",
        resource("models/bge-small-en-v1.5"), List.of("config.json", "tokenizer_config.json"));
  }

  /**
   * A model folder under target/models: graphs (model.onnx, then model_quantized.onnx if given) and
   * tokenizer from a Maven artifact, configs from a folder.
   */
  private static synchronized Path fromJar(String name, List<String> graphs, String tokenizer, Path configs,
      List<String> configFiles) {
    Path dir = Paths.get("target", "models", name).toAbsolutePath();
    List<String> graphFiles = List.of("model.onnx", "model_quantized.onnx").subList(0, graphs.size());
    try {
      if (!Files.isRegularFile(dir.resolve(graphFiles.get(graphFiles.size() - 1)))) {
        Files.createDirectories(dir);
        copy(tokenizer, dir.resolve("tokenizer.json"));
        for (String config : configFiles) {
          Files.copy(configs.resolve(config), dir.resolve(config), StandardCopyOption.REPLACE_EXISTING);
        }
        // the last graph last: its presence says the folder is complete
        for (int i = 0; i < graphs.size(); i++) {
          copy(graphs.get(i), dir.resolve(graphFiles.get(i)));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON file under test resources. */
  public static JsonNode json(String name) {
    try {
      return JSON.readTree(resource(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) throw new IOException("no class path resource " + resource);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static Path resource(String name) {
    try {
      return Paths.get(Fixtures.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }
}
