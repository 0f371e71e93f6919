package io.sparkformers.jobs;

import static io.sparkformers.testing.VisionGoldens.assertDepth;
import static io.sparkformers.testing.VisionGoldens.assertDetections;
import static io.sparkformers.testing.VisionGoldens.assertLabelScores;
import static io.sparkformers.testing.VisionGoldens.assertSegments;
import static io.sparkformers.testing.VisionGoldens.imageName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vision goldens of transformers' pipelines through the job: {@code --input-format images} over
 * the fixture PNGs (one row per file, the stage decodes column content), Parquet out, task
 * parameters as {@code --option} by their Hugging Face names.
 */
class VisionJobGoldenTest {
  private static final Path IMAGES = JobRun.FIXTURES.resolve("inputs").resolve("images");

  @TempDir
  Path dir;
  private int runs;

  /** Runs the job over the fixture images; each output row (path, content, prediction) by file name. */
  private Map<String, Row> predict(String task, String fixture, String... options) {
    String output = dir.resolve("out" + runs++).toString();
    String[] base = {"--task", task, "--model", JobRun.FIXTURES.resolve(fixture).toString(),
        "--input", IMAGES.toString(), "--input-format", "images", "--output", output};
    JobRun run = JobRun.of(Stream.concat(Arrays.stream(base), Arrays.stream(options)).toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(3, run.count("rows_out"));
    Map<String, Row> rows = new HashMap<>();
    for (Row row : JobRun.spark().read().parquet(output).collectAsList()) {
      assertEquals(List.of("path", "content", "prediction"), List.of(row.schema().fieldNames()));
      String path = row.getString(0);
      rows.put(path.substring(path.lastIndexOf('/') + 1), row);
    }
    return rows;
  }

  private static JsonNode cases(String fixture) {
    JsonNode cases = JobRun.json(JobRun.FIXTURES.resolve(fixture).resolve("golden.json")).get("cases");
    assertEquals(3, cases.size());
    return cases;
  }

  private static List<String> labels(String fixture) {
    return ModelBundle.open(JobRun.FIXTURES.resolve(fixture)).labels();
  }

  @ParameterizedTest
  @ValueSource(strings = {"image-classification-vit", "image-classification-convnext",
      "image-classification-deit", "image-classification-beit", "image-classification-data2vec-vision",
      "image-classification-swin", "image-classification-mobilevit", "image-classification-mobilenet-v2",
      "image-classification-levit", "image-classification-dinov2", "image-classification-poolformer"})
  void imageClassificationMatchesThePipeline(String fixture) {
    Map<String, Row> top5 = predict("image-classification", fixture);
    Map<String, Row> top2 = predict("image-classification", fixture, "--option", "top_k=2");
    for (JsonNode c : cases(fixture)) {
      assertLabelScores(c.get("pipeline"), top5.get(imageName(c)).getList(2), imageName(c));
      assertLabelScores(c.get("pipeline_top_k_2"), top2.get(imageName(c)).getList(2), imageName(c));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"object-detection-detr", "object-detection-yolos", "object-detection-conditional-detr",
      "object-detection-deformable-detr"})
  void objectDetectionMatchesThePipeline(String fixture) {
    Map<String, Row> out = predict("object-detection", fixture, "--option", "threshold=0");
    for (JsonNode c : cases(fixture)) {
      assertDetections(c.get("pipeline_threshold0"), out.get(imageName(c)).getList(2), imageName(c));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"image-segmentation-segformer", "image-segmentation-mobilevit"})
  void semanticMasksMatchThePipeline(String fixture) {
    Map<String, Row> out = predict("image-segmentation", fixture);
    for (JsonNode c : cases(fixture)) {
      assertSegments(c.get("pipeline_semantic"), c.get("segmentation_map"), null, labels(fixture),
          out.get(imageName(c)).getList(2), imageName(c));
    }
  }

  /** The fixture graphs take 64x64 only; their processors resize every image to that, as in the stage test. */
  @ParameterizedTest
  @ValueSource(strings = {"image-segmentation-mask2former", "image-segmentation-maskformer"})
  void maskQueriesSemanticAndPanopticMatchThePipeline(String fixture) {
    Map<String, Row> semantic = predict("image-segmentation", fixture, "--option", "subtask=semantic");
    // the settings the golden was recorded with: the random model scores no segment at the defaults
    Map<String, Row> panoptic = predict("image-segmentation", fixture, "--option", "threshold=0",
        "--option", "mask_threshold=0.3", "--option", "overlap_mask_area_threshold=0");
    for (JsonNode c : cases(fixture)) {
      assertSegments(c.get("pipeline_semantic"), c.get("semantic_segmentation_map"), null, labels(fixture),
          semantic.get(imageName(c)).getList(2), imageName(c));
      JsonNode reference = c.get("panoptic_threshold0_mask0.3_overlap0");
      assertSegments(c.get("pipeline_panoptic_threshold0_mask0.3_overlap0"), reference.get("segmentation"),
          reference.get("segments_info"), labels(fixture), panoptic.get(imageName(c)).getList(2), imageName(c));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"depth-estimation-glpn", "depth-estimation-dpt", "depth-estimation-depth-anything"})
  void depthMatchesThePipeline(String fixture) {
    Map<String, Row> out = predict("depth-estimation", fixture);
    for (JsonNode c : cases(fixture)) {
      assertDepth(c, out.get(imageName(c)).getStruct(2), imageName(c));
    }
  }
}
