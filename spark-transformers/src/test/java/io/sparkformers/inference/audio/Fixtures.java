package io.sparkformers.inference.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixtures copied under src/test/resources/fixtures, read from the test class path. */
final class Fixtures {
  static final String CLASSIFIER = "audio-classification-wav2vec2";
  static final String CTC = "automatic-speech-recognition-wav2vec2";

  private Fixtures() {}

  static Path path(String relative) {
    URL url = Fixtures.class.getClassLoader().getResource("fixtures/" + relative);
    if (url == null) {
      throw new IllegalStateException("missing fixture " + relative);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String relative) {
    try {
      return new ObjectMapper().readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A golden case's audio ("inputs/audio/x.wav"), decoded as the goldens were: int16 / 32768. */
  static float[] audio(JsonNode goldenCase) {
    return new AudioDecoder().decode(bytes(goldenCase.get("audio").asText())).channels()[0];
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
