package io.sparkformers.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.task.vision.ImageClassificationPipeline;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import io.sparkformers.testing.Fixtures;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticVitTest {
  private static final SyntheticVit.Size TINY = SyntheticVit.Size.TINY;

  @TempDir
  Path dir;

  @Test
  void onnxRuntimeRunsTheGraphOnABatch() throws Exception {
    Path model = SyntheticVit.write(dir.resolve("vit"), TINY).resolve("onnx").resolve("model.onnx");
    int side = TINY.imageSize();
    long[] shape = {2, 3, side, side};
    float[] pixels = new float[2 * 3 * side * side];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble(-1, 1);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
         OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
         OrtSession.Result result = session.run(Map.of("pixel_values", input))) {
      assertEquals(Set.of("logits"), session.getOutputNames());
      OnnxTensor logits = (OnnxTensor) result.get("logits").orElseThrow();
      assertArrayEquals(new long[] {2, TINY.labels()}, logits.getInfo().getShape());
      float[][] rows = (float[][]) logits.getValue();
      for (float[] row : rows) {
        for (float value : row) assertTrue(Float.isFinite(value), Arrays.toString(row));
      }
      assertFalse(Arrays.equals(rows[0], rows[1]), "two images, same logits");
    }
  }

  @Test
  void theLibrarysPipelineClassifiesAnImage() throws Exception {
    Path folder = SyntheticVit.write(dir.resolve("vit"), TINY);
    ImageClassificationPipeline pipeline = new ImageClassificationPipeline(Fixtures.open(folder), new ImageDecoder(),
        new ImageClassificationPipeline.Settings(5, null));
    byte[] image = Files.readAllBytes(Fixtures.model("inputs/images/img_40x56.png"));

    List<LabelScore> top = pipeline.predict(List.of(pipeline.preprocess(new ImageInput.Encoded(image)))).get(0);

    assertEquals(5, top.size());
    float sum = 0;
    for (int i = 0; i < top.size(); i++) {
      assertTrue(top.get(i).label().matches("LABEL_\\d"), top.get(i).label());
      if (i > 0) assertTrue(top.get(i).score() <= top.get(i - 1).score(), top.toString());
      sum += top.get(i).score();
    }
    assertTrue(sum <= 1 + 1e-6, top.toString());
  }

  @Test
  void theSameSizeGivesTheSameBytes() throws Exception {
    Path first = SyntheticVit.write(dir.resolve("a"), TINY).resolve("onnx").resolve("model.onnx");
    Path second = SyntheticVit.write(dir.resolve("b"), TINY).resolve("onnx").resolve("model.onnx");
    assertEquals(-1, Files.mismatch(first, second));
  }
}
