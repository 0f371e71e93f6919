package io.sparkformers.inference.task;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The model folders under src/test/resources/fixtures, copied from the shared fixture set. */
final class Fixtures {
  private Fixtures() {}

  static Path model(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String model, String file) {
    try {
      return new ObjectMapper().readTree(model(model).resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model's tokenizer.json with the given builder options, padding off. */
  static HuggingFaceTokenizer.Builder tokenizer(String model) {
    return HuggingFaceTokenizer.builder().optTokenizerPath(model(model)).optPadding(false);
  }
}
