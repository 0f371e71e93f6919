package io.sparkformers.udfs;

import static io.sparkformers.testing.VisionGoldens.assertLabelScores;
import static io.sparkformers.testing.VisionGoldens.imageName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.ml.AudioClassifier;
import io.sparkformers.ml.DepthEstimator;
import io.sparkformers.ml.ImageClassifier;
import io.sparkformers.ml.ImageSegmenter;
import io.sparkformers.ml.InferenceStage;
import io.sparkformers.ml.ObjectDetector;
import io.sparkformers.ml.SpeechRecognizer;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The image and audio functions over binaryFile bytes: the stages' values and transformers' goldens. */
class MediaFunctionsTest {
  private static final String VIT = "image-classification-vit";
  private static final String WAV2VEC2 = "audio-classification-wav2vec2";
  private final SparkSession spark = LocalSpark.get();

  @BeforeAll
  static void register() {
    Sparkformers.register(LocalSpark.get());
  }

  /** (name, bytes) of the files in a fixture folder, as the view {@code files}. */
  private Dataset<Row> files(String folder) {
    Dataset<Row> files = spark.read().format("binaryFile").load(Fixtures.model(folder).toString())
        .selectExpr("substring_index(path, '/', -1) AS name", "content");
    files.createOrReplaceTempView("files");
    return files;
  }

  /** Rows by their first column, collected once (no ORDER BY, which would run the model twice). */
  private static Map<String, Row> byName(Dataset<Row> out) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : out.collectAsList()) rows.put(r.getString(0), r);
    return rows;
  }

  @Test
  void hfClassifyImageIsTheImageClassifierStageAndTransformersPipeline() {
    String model = Fixtures.model(VIT).toString();
    Dataset<Row> images = files("inputs/images");
    Dataset<Row> sql = spark.sql("SELECT name, hf_classify_image('" + model + "', content) AS labels FROM files");
    Dataset<Row> stage = new ImageClassifier().setModelPath(model).setInputCol("content").setOutputCol("labels")
        .transform(images).select("name", "labels");

    assertEquals(stage.schema(), sql.schema());
    Map<String, Row> fromSql = byName(sql);
    assertEquals(byName(stage), fromSql);
    for (JsonNode c : Fixtures.golden(VIT, "golden.json").get("cases")) {
      assertLabelScores(c.get("pipeline"), fromSql.get(imageName(c)).getList(1), imageName(c));
    }
  }

  @Test
  void hfClassifyAudioIsTheAudioClassifierStageAndTransformersPipeline() {
    String model = Fixtures.model(WAV2VEC2).toString();
    JsonNode cases = Fixtures.golden(WAV2VEC2, "golden.json").get("cases");
    Dataset<Row> clips = files("inputs/audio").where("name LIKE '%.wav'");
    clips.createOrReplaceTempView("files");
    Dataset<Row> sql = spark.sql("SELECT name, hf_classify_audio('" + model + "', content) AS labels FROM files");
    Dataset<Row> stage = new AudioClassifier().setModelPath(model).setInputCol("content").setOutputCol("labels")
        .transform(clips).select("name", "labels");

    assertEquals(stage.schema(), sql.schema());
    Map<String, Row> fromSql = byName(sql);
    assertEquals(byName(stage), fromSql);
    for (JsonNode c : cases) {
      String name = Path.of(c.get("audio").asText()).getFileName().toString();
      List<Row> labels = fromSql.get(name).getList(1);
      assertLabelScores(c.get("pipeline"), labels, name);
    }
  }

  /** The function over the fixture images (or clips) against the stage with the same options, whole rows. */
  private void sameAsTheStage(String function, String options, InferenceStage<?, ?, ?> stage, Dataset<Row> files) {
    String model = stage.getModelPath();
    Dataset<Row> sql = spark.sql("SELECT name, " + function + "('" + model + "', content" + options + ") AS out FROM files");
    Dataset<Row> staged = stage.setInputCol("content").setOutputCol("out").transform(files).select("name", "out");

    assertEquals(staged.schema(), sql.schema(), function);
    Map<String, Row> fromSql = byName(sql);
    assertEquals(files.count(), fromSql.size());
    assertEquals(byName(staged), fromSql, function);
  }

  @Test
  void hfDetectObjectsIsTheObjectDetectorStage() {
    sameAsTheStage("hf_detect_objects", ", map('threshold', '0.0')",
        new ObjectDetector().setModelPath(Fixtures.model("object-detection-detr").toString()).setThreshold(0.0),
        files("inputs/images"));
  }

  @Test
  void hfSegmentImageIsTheImageSegmenterStage() {
    sameAsTheStage("hf_segment_image", "",
        new ImageSegmenter().setModelPath(Fixtures.model("image-segmentation-segformer").toString()),
        files("inputs/images"));
  }

  @Test
  void hfEstimateDepthIsTheDepthEstimatorStage() {
    sameAsTheStage("hf_estimate_depth", "",
        new DepthEstimator().setModelPath(Fixtures.model("depth-estimation-glpn").toString()),
        files("inputs/images"));
  }

  @Test
  void hfTranscribeIsTheSpeechRecognizerStage() {
    Dataset<Row> clips = files("inputs/audio").where("name LIKE '%.wav'");
    clips.createOrReplaceTempView("files");
    sameAsTheStage("hf_transcribe", ", map('return_timestamps', 'word')",
        new SpeechRecognizer().setModelPath(Fixtures.model("automatic-speech-recognition-wav2vec2").toString())
            .setReturnTimestamps("word"),
        clips);
  }
}
