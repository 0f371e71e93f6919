package io.sparkformers.inference.task.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.text.EncodedText;
import io.sparkformers.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** all-MiniLM-L6-v2, the real model, against transformers.js and sentence-transformers' published embedding. */
class FeatureExtractionPipelineTest {
  private final FeatureExtractionPipeline meanNormalized = new FeatureExtractionPipeline(
      Fixtures.open(Fixtures.miniLm()),
      new FeatureExtractionPipeline.Settings("mean", true, null, 1_000_000));

  private float[] embed(FeatureExtractionPipeline p, String text) {
    return p.predict(List.of(p.preprocess(text))).get(0)[0];
  }

  /** Every number of every reference sentence, against transformers.js (RealEmbeddingModelsTest says how). */
  @Test
  void transformersJsReferenceEmbeddings() {
    com.fasterxml.jackson.databind.JsonNode reference = Fixtures.json("reference/tfjs/all-MiniLM-L6-v2.json");
    for (int i = 0; i < reference.get("sentences").size(); i++) {
      float[] v = embed(meanNormalized, reference.get("sentences").get(i).asText());
      com.fasterxml.jackson.databind.JsonNode expected = reference.get("vectors").get(i);
      assertEquals(expected.size(), v.length);
      for (int d = 0; d < v.length; d++) assertEquals(expected.get(d).floatValue(), v[d], 1e-4f, "sentence " + i + " dim " + d);
    }
    // and sentence-transformers' published numbers for the first sentence
    assertArrayEquals(new float[] {0.0677f, 0.0635f, 0.0487f, 0.0793f, 0.0374f},
        java.util.Arrays.copyOf(embed(meanNormalized, "This is an example sentence"), 5), 1e-4f);
  }

  @Test
  void paddingInABatchDoesNotChangeAnEmbedding() {
    String shortText = "Hello world";
    String longText = "The weather in Paris is terrible today, and it has been raining since Monday morning.";
    List<EncodedText> batch = List.of(meanNormalized.preprocess(shortText), meanNormalized.preprocess(longText));
    float[] batched = meanNormalized.predict(batch).get(0)[0];
    assertArrayEquals(embed(meanNormalized, shortText), batched, 1e-5f);
  }

  @Test
  void similarSentencesAreCloserThanUnrelatedOnes() {
    float[] a = embed(meanNormalized, "A man is eating food.");
    float[] b = embed(meanNormalized, "A man is eating a piece of bread.");
    float[] c = embed(meanNormalized, "The new movie is awesome.");
    assertTrue(dot(a, b) > 0.6 && dot(a, c) < 0.2, "cos(a,b)=" + dot(a, b) + " cos(a,c)=" + dot(a, c));
  }

  @Test
  void tokenEmbeddingsByDefaultOnePerToken() {
    var tokens = new FeatureExtractionPipeline(Fixtures.open(Fixtures.miniLm()),
        new FeatureExtractionPipeline.Settings(null, false, null, 1_000_000));
    float[][] out = tokens.predict(List.of(tokens.preprocess("Hello world"))).get(0);
    assertEquals(4, out.length); // [CLS] hello world [SEP]
    assertEquals(384, out[0].length);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
