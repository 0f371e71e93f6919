package io.sparkformers.inference.task.audio;

import io.sparkformers.inference.task.ClassScores;
import io.sparkformers.inference.task.LabelScore;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.audio.AudioFeatures;
import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.audio.AudioLimits;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audio-classification pipeline of transformers 4.38 (top_k=5, clipped to the 3 labels) on every fixture clip. */
class AudioClassificationPipelineTest {
  private static final String MODEL = "audio-classification-wav2vec2";
  private final JsonNode golden = Fixtures.golden(MODEL, "golden.json");
  private final List<String> labels = List.of("yes", "no", "silence");

  private AudioClassificationPipeline pipeline(int topK) {
    return new AudioClassificationPipeline(Fixtures.open(Fixtures.model(MODEL)),
        new AudioClassificationPipeline.Settings(topK, AudioLimits.DEFAULT));
  }

  static byte[] audio(JsonNode goldenCase) throws IOException {
    return Files.readAllBytes(Fixtures.model(goldenCase.get("audio").asText()));
  }

  @Test
  void clipsOfDifferentLengthsInOneBatchEachGiveThePipelinesOutput() throws IOException {
    AudioClassificationPipeline pipeline = pipeline(AudioClassificationPipeline.Settings.DEFAULT_TOP_K);
    List<AudioFeatures> batch = new ArrayList<>();
    for (JsonNode c : golden.get("cases")) batch.add(pipeline.preprocess(AudioInput.encoded(audio(c))));
    List<List<LabelScore>> out = pipeline.predict(batch);
    for (int i = 0; i < out.size(); i++) {
      assertLabelScores(golden.get("cases").get(i).get("pipeline"), out.get(i));
    }
  }

  @Test
  void recordedLogitsGiveThePipelinesLabelsAndScores() {
    for (JsonNode c : golden.get("cases")) {
      float[] logits = floats(c.at("/logits/data"));
      assertLabelScores(c.get("pipeline"),
          ClassScores.top(ClassScores.apply(ClassScores.Function.SOFTMAX, logits, 0, 3), labels, 5));
    }
  }

  @Test
  void topKKeepsTheBestScores() {
    float[] scores = ClassScores.apply(ClassScores.Function.SOFTMAX, new float[] {0f, 2f, 1f}, 0, 3);
    assertEquals(List.of("no"), ClassScores.top(scores, labels, 1).stream().map(LabelScore::label).toList());
  }

  @Test
  void aTextModelIsNotTakenForAnAudioModel() {
    ModelFolderException e = assertThrows(ModelFolderException.class, () -> new AudioClassificationPipeline(
        Fixtures.open(Fixtures.model("text-classification-bert")), new AudioClassificationPipeline.Settings(5, AudioLimits.DEFAULT)));
    assertTrue(e.getMessage().contains("model_type 'bert'"), e.getMessage());
  }

  private static void assertLabelScores(JsonNode expected, List<LabelScore> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < actual.size(); i++) {
      assertEquals(expected.get(i).get("label").asText(), actual.get(i).label());
      assertEquals(expected.get(i).get("score").asDouble(), actual.get(i).score(), 1e-4);
    }
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }
}
