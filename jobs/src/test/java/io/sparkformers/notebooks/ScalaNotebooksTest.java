package io.sparkformers.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Scala notebooks run cell by cell on the test fixtures, as on a cluster with the sparkformers jar:
 * each scores every input row, writes them all to its output table, and reports an error on exactly
 * the bad rows (handleInvalid=keep).
 */
class ScalaNotebooksTest {
  // tests run in the module folder
  private static final Path NOTEBOOKS = Paths.get("..", "notebooks");
  private static final Path FIXTURES = Paths.get("..", "spark-transformers", "src", "test", "resources", "fixtures");
  private static final Path MINILM = Paths.get("target", "models", "all-MiniLM-L6-v2");
  private static final Path SENTENCES = Paths.get("src", "main", "data", "sentences.jsonl");

  @TempDir
  static Path dir;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.get();
    // the notebooks' output tables go to a database of their own, under the temporary folder
    spark.sql("CREATE DATABASE IF NOT EXISTS notebooks LOCATION '" + dir.resolve("notebooks").toUri() + "'");
  }

  @Test
  void textNotebookScoresEveryTextAndKeepsTheEmptyAndNullOnes() {
    Dataset<Row> reviews = spark.read().json(SENTENCES.toString())
        .unionByName(spark.sql("SELECT CAST(1000 AS BIGINT) AS id, '' AS text"))
        .unionByName(spark.sql("SELECT CAST(1001 AS BIGINT) AS id, CAST(NULL AS STRING) AS text"));
    reviews.createOrReplaceTempView("reviews");

    Dataset<Row> scored = run("text.scala", Map.of(
        "sentiment_model", FIXTURES.resolve("text-classification-bert"),
        "ner_model", FIXTURES.resolve("token-classification-bert"),
        "embedding_model", MINILM,
        "qa_model", FIXTURES.resolve("question-answering-bert"),
        "input_table", "reviews",
        "output_table", "notebooks.reviews_scored"));

    assertEquals(reviews.count(), scored.count());
    assertErrorsOnlyOn(scored, functions.col("text").isNull().or(functions.col("text").equalTo("")), 2);
  }

  @Test
  void visionNotebookScoresEveryImageFileAndKeepsTheCorruptOne() throws IOException {
    Path images = folderWithABrokenFile(FIXTURES.resolve("inputs").resolve("images"), "broken.png");

    Dataset<Row> scored = run("vision.scala", Map.of(
        "classification_model", FIXTURES.resolve("image-classification-vit"),
        "detection_model", FIXTURES.resolve("object-detection-detr"),
        "segmentation_model", FIXTURES.resolve("image-segmentation-segformer"),
        "depth_model", FIXTURES.resolve("depth-estimation-glpn"),
        "images_dir", images,
        "output_table", "notebooks.images_scored"));

    assertEquals(fileCount(images), scored.count());
    assertErrorsOnlyOn(scored, functions.col("path").endsWith("broken.png"), 1);
  }

  @Test
  void audioNotebookScoresEveryClipAndKeepsTheCorruptOne() throws IOException {
    Path clips = folderWithABrokenFile(FIXTURES.resolve("inputs").resolve("audio"), "broken.wav");

    Dataset<Row> scored = run("audio.scala", Map.of(
        "classification_model", FIXTURES.resolve("audio-classification-wav2vec2"),
        "speech_model", FIXTURES.resolve("automatic-speech-recognition-wav2vec2"),
        "audio_dir", clips,
        "output_table", "notebooks.audio_scored"));

    assertEquals(fileCount(clips), scored.count());
    assertErrorsOnlyOn(scored, functions.col("path").endsWith("broken.wav"), 1);
  }

  /** A copy of a fixture folder (subfolders included) with one more file that is not what its name says. */
  private static Path folderWithABrokenFile(Path fixtures, String broken) throws IOException {
    Path copy = dir.resolve(fixtures.getFileName());
    try (Stream<Path> files = Files.walk(fixtures)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, copy.resolve(fixtures.relativize(file).toString()));
      }
    }
    Files.writeString(copy.resolve(broken), "not a media file");
    return copy;
  }

  private static long fileCount(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** Runs a notebook with its settings as system properties; returns its output table. */
  private static Dataset<Row> run(String notebook, Map<String, Object> settings) {
    settings.forEach((name, value) -> System.setProperty("sparkformers." + name, value.toString()));
    try {
      ScalaNotebookRunner.run(Notebook.read(NOTEBOOKS.resolve(notebook), "//"), spark);
    } finally {
      settings.keySet().forEach(name -> System.clearProperty("sparkformers." + name));
    }
    return spark.read().table(settings.get("output_table").toString());
  }

  /** Every error column is set on the bad rows, and only there. */
  private static void assertErrorsOnlyOn(Dataset<Row> output, Column bad, long badRows) {
    assertEquals(badRows, output.where(bad).count());
    for (String column : output.columns()) {
      if (!column.endsWith("error")) continue;
      Column error = functions.col(column).isNotNull();
      assertEquals(badRows, output.where(error).count(), column);
      assertEquals(badRows, output.where(error.and(bad)).count(), column);
    }
  }
}
