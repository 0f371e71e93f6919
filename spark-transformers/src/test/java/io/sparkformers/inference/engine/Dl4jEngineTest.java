package io.sparkformers.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.task.text.FeatureExtractionPipeline;
import io.sparkformers.inference.task.text.TextClassificationPipeline;
import io.sparkformers.inference.task.vision.ImageClassificationPipeline;
import io.sparkformers.inference.text.EncodedText;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ProcessedImage;
import io.sparkformers.testing.Fixtures;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * engine=dl4j gives the goldens' logits (and ONNX Runtime's) on the fixtures SameDiff imports, and a
 * clear error on the others. Batches mix lengths and padding, so the imported graphs' dynamic axes and
 * attention masks are exercised, not only the shapes seen at import.
 */
@Tag("dl4j")
class Dl4jEngineTest {
  private static final String BERT = "text-classification-bert";
  private static final String VIT = "image-classification-vit";

  private static ModelSpec.Model open(Path folder, String engine, String device) {
    return new ModelSpec(folder.toString(), "fp32", engine, device, 1).open(new Configuration(), List.of());
  }

  private static ModelSpec.Model dl4j(String fixture) {
    return open(Fixtures.model(fixture), "dl4j", "cpu");
  }

  @Test
  void bertLogitsMatchTheGoldenOnItsTokenIds() {
    ModelSession session = dl4j(BERT).session("model");
    for (JsonNode c : Fixtures.golden(BERT, "golden.json").get("cases")) {
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      c.get("model_inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), longs(e.getValue())));
      assertArrayEquals(Fixtures.floats(c.get("logits")), session.run(inputs, "logits").get("logits").floats(), 1e-4f,
          c.get("text").asText());
    }
  }

  @Test
  void textClassificationScoresMatchTransformersInOnePaddedBatch() {
    var pipeline = new TextClassificationPipeline(dl4j(BERT), new TextClassificationPipeline.Settings(-1, null, null, 1_000_000));
    JsonNode golden = Fixtures.golden(BERT, "golden.json");
    List<EncodedText> batch = new ArrayList<>();
    for (JsonNode c : golden.get("cases")) {
      batch.add(pipeline.preprocess(new TextClassificationPipeline.Input(c.get("text").asText(), null)));
    }
    assertLabelScores(golden.get("pipeline").get("top_k=None"), pipeline.predict(batch));
  }

  @Test
  void vitLogitsMatchTheGoldenOnItsPixelBatch() {
    JsonNode onnxCase = Fixtures.golden(VIT, "golden.json").get("onnx_cases").get(0);
    JsonNode pixels = onnxCase.get("inputs").get("pixel_values");
    Tensor logits = dl4j(VIT).session("model")
        .run(Map.of("pixel_values", Tensor.floats(Fixtures.floats(pixels), shape(pixels))), "logits").get("logits");
    assertArrayEquals(shape(onnxCase.get("outputs").get("logits")), logits.shape());
    assertArrayEquals(Fixtures.floats(onnxCase.get("outputs").get("logits")), logits.floats(), 1e-4f);
  }

  @Test
  void imageClassificationMatchesTransformersOnTheFixtureImages() {
    var pipeline = new ImageClassificationPipeline(dl4j(VIT), new ImageDecoder(), new ImageClassificationPipeline.Settings(5, null));
    List<ProcessedImage> batch = new ArrayList<>();
    JsonNode cases = Fixtures.golden(VIT, "golden.json").get("cases");
    for (JsonNode c : cases) {
      batch.add(pipeline.preprocess(new io.sparkformers.inference.vision.ImageInput.Located(
          Fixtures.model(c.get("image").asText()).toString())));
    }
    List<List<LabelScore>> got = pipeline.predict(batch);
    for (int i = 0; i < cases.size(); i++) {
      assertLabelScores(List.of(cases.get(i).get("pipeline")), List.of(got.get(i)));
    }
  }

  @Test
  void miniLmEmbeddingsMatchOnnxRuntimeInOnePaddedBatch() {
    var settings = new FeatureExtractionPipeline.Settings("mean", true, null, 1_000_000);
    var dl4j = new FeatureExtractionPipeline(open(Fixtures.miniLm(), "dl4j", "cpu"), settings);
    var ort = new FeatureExtractionPipeline(Fixtures.open(Fixtures.miniLm()), settings);
    List<String> texts = List.of("Hello world", "The weather in Paris is terrible today, it has rained since Monday.");
    List<EncodedText> batch = texts.stream().map(dl4j::preprocess).toList();
    List<float[][]> got = dl4j.predict(batch);
    List<float[][]> expected = ort.predict(batch);
    for (int i = 0; i < texts.size(); i++) assertArrayEquals(expected.get(i)[0], got.get(i)[0], 1e-4f, texts.get(i));
  }

  /** Every output of one padded batch of two, against ONNX Runtime on the same graph. */
  @ParameterizedTest
  @ValueSource(strings = {"token-classification-bert", "question-answering-bert", "image-classification-convnext"})
  void outputsMatchOnnxRuntime(String fixture) {
    ModelSession dl4j = dl4j(fixture).session("model");
    ModelSession ort = open(Fixtures.model(fixture), "onnxruntime", "cpu").session("model");
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (String name : ort.inputNames()) inputs.put(name, batchOfTwo(name, ort.inputShape(name)));
    Map<String, Tensor> expected = ort.run(inputs);
    Map<String, Tensor> got = dl4j.run(inputs);
    for (String output : ort.outputNames()) {
      assertArrayEquals(expected.get(output).shape(), got.get(output).shape(), output);
      assertArrayEquals(expected.get(output).floats(), got.get(output).floats(), 1e-4f, output);
    }
  }

  /** Token ids 1..90 with the last two tokens of row 2 padded, or pixels in [-1, 1]; dynamic dims 2 (batch), 9. */
  private static Tensor batchOfTwo(String name, long[] declared) {
    long[] shape = declared.clone();
    for (int i = 0; i < shape.length; i++) if (shape[i] < 0) shape[i] = i == 0 ? 2 : 9;
    int n = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
    if (name.equals("pixel_values")) {
      float[] pixels = new float[n];
      for (int i = 0; i < n; i++) pixels[i] = (i * 37 % 201) / 100f - 1f;
      return Tensor.floats(pixels, shape);
    }
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = name.equals("input_ids") ? 1 + i * 7 % 90 : name.equals("attention_mask") ? (i >= n - 2 ? 0 : 1) : 0;
    }
    return Tensor.longs(ids, shape);
  }

  @Test
  void aModelUpsamplingToTheInputSizeIsRefusedNotRunWrong() {
    ModelSpec.Model model = dl4j("image-segmentation-segformer");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.session("model"));
    assertTrue(e.getMessage().contains("Resize") && e.getMessage().contains("engine=onnxruntime"), e.getMessage());
  }

  @Test
  void aModelWithAnOpTheImporterLacksFailsNamingTheOp() {
    ModelSpec.Model model = dl4j("audio-classification-wav2vec2");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.session("model"));
    assertTrue(e.getMessage().contains("InstanceNormalization") && e.getMessage().contains("engine=onnxruntime"),
        e.getMessage());
  }

  @Test
  void withoutTheNd4jJarsTheErrorNamesTheArtifactsToAdd() throws Exception {
    try (URLClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      assertEquals(2, Dl4jEngine.missingClasses(bare).size());
    }
    assertEquals(List.of(), Dl4jEngine.missingClasses(Dl4jEngine.class.getClassLoader()));
    assertTrue(Dl4jEngine.NEEDS.contains("org.nd4j:nd4j-native:1.0.0-M2.1"), Dl4jEngine.NEEDS);
  }

  @Test
  void cudaOnTheCpuBackendFailsSayingHowToGetAGpu() {
    assertEquals(false, InferenceEngine.named("dl4j").gpuUsable());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> open(Fixtures.model(BERT), "dl4j", "cuda"));
    assertTrue(e.getMessage().contains("no usable CUDA GPU") && e.getMessage().contains("-Pgpu"), e.getMessage());
  }

  private static void assertLabelScores(JsonNode expected, List<List<LabelScore>> got) {
    assertLabelScores(toList(expected), got);
  }

  private static void assertLabelScores(List<JsonNode> expected, List<List<LabelScore>> got) {
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).size(), got.get(i).size());
      for (int k = 0; k < got.get(i).size(); k++) {
        assertEquals(expected.get(i).get(k).get("label").asText(), got.get(i).get(k).label());
        assertEquals(expected.get(i).get(k).get("score").floatValue(), got.get(i).get(k).score(), 1e-4);
      }
    }
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  private static Tensor longs(JsonNode tensor) {
    JsonNode data = tensor.get("data");
    long[] values = new long[data.size()];
    for (int i = 0; i < values.length; i++) values[i] = data.get(i).longValue();
    return Tensor.longs(values, shape(tensor));
  }

  private static long[] shape(JsonNode tensor) {
    long[] shape = new long[tensor.get("shape").size()];
    for (int i = 0; i < shape.length; i++) shape[i] = tensor.get("shape").get(i).longValue();
    return shape;
  }
}
