package io.sparkformers.inference.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tiny HF fixtures copied into test resources: model folders, goldens, input images. */
final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  static Path root() {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path model(String folder) {
    return root().resolve(folder);
  }

  static JsonNode golden(String folder) {
    return json(model(folder).resolve("golden.json"));
  }

  static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A golden case's input image ("inputs/images/...", relative to the fixtures root), decoded. */
  static RgbImage image(JsonNode goldenCase) {
    try {
      return new ImageDecoder().decode(Files.readAllBytes(root().resolve(goldenCase.get("image").asText())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** id2label of a model's config.json, indexed by id. */
  static List<String> labels(String folder) {
    JsonNode id2label = json(model(folder).resolve("config.json")).get("id2label");
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < id2label.size(); i++) {
      labels.add(id2label.get(String.valueOf(i)).asText());
    }
    return labels;
  }

  static float[] floats(JsonNode tensor) {
    return io.sparkformers.testing.Fixtures.floats(tensor);
  }

  static long[] longs(JsonNode tensor) {
    JsonNode data = tensor.get("data");
    long[] out = new long[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.get(i).asLong();
    }
    return out;
  }

  static int[] shape(JsonNode tensor) {
    JsonNode shape = tensor.get("shape");
    int[] out = new int[shape.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape.get(i).asInt();
    }
    return out;
  }
}
