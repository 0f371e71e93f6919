package io.sparkformers.ml;

import static io.sparkformers.testing.Vectors.cosine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.bench.RawOrtLoop;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import io.sparkformers.testing.Vectors;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dtype=q8 on the int8 all-MiniLM-L6-v2 (langchain4j's quantization, model_quantized.onnx beside
 * model.onnx): the stage runs that graph exactly as plain ONNX Runtime does, and its embeddings stay
 * close to the fp32 graph's.
 */
class QuantizedFeatureExtractorTest {
  /** all-MiniLM-L6-v2's max_seq_length. */
  private static final int MAX_LENGTH = 256;
  private static final int BATCH = 32;
  private static final Path MODEL = Fixtures.miniLm();
  private static List<String> sentences;
  private static float[][] q8;

  @BeforeAll
  static void embedWithQ8() {
    // the demo sentences: natural text of 3 to 60 words
    sentences = LocalSpark.get().read().json("../jobs/src/main/data/sentences.jsonl").select("text")
        .as(Encoders.STRING()).collectAsList().subList(0, 64);
    q8 = embeddings("q8");
  }

  @Test
  void q8EmbeddingsEqualAPlainOnnxRuntimeRunOfTheInt8GraphInTheSameBatches() throws Exception {
    float[][] plain;
    try (RawOrtLoop ort = new RawOrtLoop(MODEL, "model_quantized.onnx", MAX_LENGTH)) {
      plain = ort.embeddings(sentences, BATCH);
    }
    for (int r = 0; r < sentences.size(); r++) {
      assertEquals(384, q8[r].length);
      double cosine = cosine(q8[r], plain[r]);
      assertTrue(cosine >= 0.9999, "row " + r + " cosine " + cosine + ": " + sentences.get(r));
    }
  }

  /**
   * The int8 model's own quality: on these sentences a mean cosine of 0.991 with fp32, lowest for the
   * shortest (0.96-0.98 for two or three words, whose few tokens average out no quantization error).
   */
  @Test
  void q8EmbeddingsStayCloseToTheFp32GraphsAndDifferFromThem() {
    float[][] fp32 = embeddings("fp32");
    double lowest = 1;
    double sum = 0;
    for (int r = 0; r < sentences.size(); r++) {
      double cosine = cosine(q8[r], fp32[r]);
      assertTrue(cosine >= 0.95, "row " + r + " cosine " + cosine + ": " + sentences.get(r));
      lowest = Math.min(lowest, cosine);
      sum += cosine;
    }
    double mean = sum / sentences.size();
    assertTrue(mean >= 0.985, "mean cosine " + mean);
    // quantization error, so the int8 graph is the one that ran
    assertTrue(lowest < 0.999, "q8 equals fp32 (lowest cosine " + lowest + "): the fp32 graph ran");
  }

  private static float[][] embeddings(String dtype) {
    // one partition, so one window: the batches the plain run builds
    Dataset<Row> texts = LocalSpark.get().createDataset(sentences, Encoders.STRING()).toDF("text").coalesce(1);
    FeatureExtractor stage = new FeatureExtractor().setModelPath(MODEL.toString()).setInputCol("text")
        .setOutputCol("embedding").setPooling("mean").setNormalize(true).setBatchSize(BATCH).setDtype(dtype);
    return stage.transform(texts).select("embedding").collectAsList().stream()
        .map(row -> Vectors.floats(row.getList(0))).toArray(float[][]::new);
  }
}
