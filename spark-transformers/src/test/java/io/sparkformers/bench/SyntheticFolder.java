package io.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkformers.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writing a synthetic model folder once: a marker written last names what a complete folder holds. */
final class SyntheticFolder {
  private static final String MARKER = "synthetic.done";
  private static final ObjectMapper JSON = new ObjectMapper();

  interface Contents {
    void write(Path folder) throws IOException;
  }

  private SyntheticFolder() {}

  /** Writes {@code contents} into {@code folder} (and its onnx/) unless it already holds {@code stamp} complete. */
  static Path once(Path folder, String stamp, Contents contents) throws IOException {
    Path marker = folder.resolve(MARKER);
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(stamp)) return folder;
    // a rewrite cut short must not leave the previous model's marker beside a partial file
    Files.deleteIfExists(marker);
    Files.createDirectories(folder.resolve("onnx"));
    contents.write(folder);
    Files.writeString(marker, stamp);
    return folder;
  }

  /** Copies a text fixture's tokenizer and generation files into {@code folder}; returns its config.json to adapt. */
  static ObjectNode fromTextFixture(Path folder, String fixture) throws IOException {
    Path from = Fixtures.model(fixture);
    for (String file : List.of("generation_config.json", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json")) {
      Files.copy(from.resolve(file), folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    return (ObjectNode) JSON.readTree(from.resolve("config.json").toFile());
  }

  static void writeJson(Path file, Object value) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
  }
}
