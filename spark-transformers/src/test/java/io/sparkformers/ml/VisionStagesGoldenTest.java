package io.sparkformers.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.substring_index;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.sparkformers.testing.VisionGoldens.assertDepth;
import static io.sparkformers.testing.VisionGoldens.assertDetections;
import static io.sparkformers.testing.VisionGoldens.assertLabelScores;
import static io.sparkformers.testing.VisionGoldens.assertSegments;
import static io.sparkformers.testing.VisionGoldens.imageName;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vision goldens of transformers' pipelines through the Spark stages, with the fixture images
 * read each way a user would: as bytes (binaryFile), as Spark's image struct (image source, BGR)
 * and as path strings. All images go in one batch, so mixed processed shapes are exercised.
 */
class VisionStagesGoldenTest {
  private final SparkSession spark = LocalSpark.get();

  enum Form { BINARY, IMAGE_STRUCT, PATH }

  private static final Path IMAGES = Fixtures.model("inputs/images");

  /** The fixture folders of each task: one per model family (README, "Tasks"). */
  static final List<String> CLASSIFIERS = List.of("image-classification-vit", "image-classification-convnext",
      "image-classification-deit", "image-classification-beit", "image-classification-data2vec-vision",
      "image-classification-swin", "image-classification-mobilevit", "image-classification-mobilenet-v2",
      "image-classification-levit", "image-classification-dinov2", "image-classification-poolformer");
  static final List<String> DETECTORS = List.of("object-detection-detr", "object-detection-yolos",
      "object-detection-conditional-detr", "object-detection-deformable-detr");
  static final List<String> SEMANTIC_SEGMENTERS = List.of("image-segmentation-segformer",
      "image-segmentation-mobilevit");
  static final List<String> MASK_SEGMENTERS = List.of("image-segmentation-mask2former",
      "image-segmentation-maskformer");
  static final List<String> DEPTH_ESTIMATORS = List.of("depth-estimation-glpn", "depth-estimation-dpt",
      "depth-estimation-depth-anything");

  /** (name, image) with the image column as {@code form}; name is the file name the goldens cite. */
  private Dataset<Row> images(Form form) {
    switch (form) {
      case BINARY:
        return spark.read().format("binaryFile").load(IMAGES.toString())
            .select(substring_index(col("path"), "/", -1).as("name"), col("content").as("image"));
      case IMAGE_STRUCT:
        return spark.read().format("image").load(IMAGES.toString())
            .select(substring_index(col("image.origin"), "/", -1).as("name"), col("image"));
      default:
        List<Row> rows = new ArrayList<>();
        for (String name : List.of("img_32x32.png", "img_40x56.png", "img_64x48.png")) {
          rows.add(RowFactory.create(name, IMAGES.resolve(name).toString()));
        }
        return spark.createDataFrame(rows,
            new StructType().add("name", DataTypes.StringType).add("image", DataTypes.StringType));
    }
  }

  /** Output rows by image file name, collected once (no orderBy, which would run the stages twice). */
  private static Map<String, Row> byName(Dataset<Row> out) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : out.collectAsList()) rows.put(r.getString(0), r);
    return rows;
  }

  private static JsonNode cases(String fixture) {
    JsonNode cases = Fixtures.golden(fixture, "golden.json").get("cases");
    assertEquals(3, cases.size());
    return cases;
  }

  private static List<String> labels(String fixture) {
    return ModelBundle.open(Fixtures.model(fixture)).labels();
  }

  private static String model(String fixture) {
    return Fixtures.model(fixture).toString();
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void imageClassificationMatchesThePipeline(Form form) {
    for (String fixture : CLASSIFIERS) {
      ImageClassifier top5 = new ImageClassifier().setModelPath(model(fixture)).setOutputCol("labels");
      ImageClassifier top2 = new ImageClassifier().setModelPath(model(fixture)).setOutputCol("top2").setTopK(2);
      Map<String, Row> out = byName(top2.transform(top5.transform(images(form))));
      for (JsonNode c : cases(fixture)) {
        Row row = out.get(imageName(c));
        assertLabelScores(c.get("pipeline"), row.getList(2), fixture + " " + imageName(c));
        assertLabelScores(c.get("pipeline_top_k_2"), row.getList(3), fixture + " " + imageName(c));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void objectDetectionMatchesThePipeline(Form form) {
    for (String fixture : DETECTORS) {
      ObjectDetector stage = new ObjectDetector().setModelPath(model(fixture)).setThreshold(0).setOutputCol("objects");
      Map<String, Row> out = byName(stage.transform(images(form)));
      for (JsonNode c : cases(fixture)) {
        assertDetections(c.get("pipeline_threshold0"), out.get(imageName(c)).getList(2), fixture + " " + imageName(c));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void semanticMasksMatchThePipeline(Form form) {
    for (String fixture : SEMANTIC_SEGMENTERS) {
      ImageSegmenter stage = new ImageSegmenter().setModelPath(model(fixture)).setOutputCol("segments");
      Map<String, Row> out = byName(stage.transform(images(form)));
      for (JsonNode c : cases(fixture)) {
        assertSegments(c.get("pipeline_semantic"), c.get("segmentation_map"), null, labels(fixture),
            out.get(imageName(c)).getList(2), fixture + " " + imageName(c));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void maskQueriesSemanticAndPanopticMatchThePipeline(Form form) {
    for (String fixture : MASK_SEGMENTERS) {
      maskQueriesMatchThePipeline(fixture, form);
    }
  }

  private void maskQueriesMatchThePipeline(String fixture, Form form) {
    ImageSegmenter semantic = new ImageSegmenter().setModelPath(model(fixture)).setSubtask("semantic")
        .setOutputCol("semantic");
    // The settings the golden was recorded with: the random model scores no segment at the defaults.
    ImageSegmenter panoptic = new ImageSegmenter().setModelPath(model(fixture)).setOutputCol("panoptic")
        .setThreshold(0).setMaskThreshold(0.3).setOverlapMaskAreaThreshold(0);
    Map<String, Row> out = byName(panoptic.transform(semantic.transform(images(form))));
    for (JsonNode c : cases(fixture)) {
      Row row = out.get(imageName(c));
      assertSegments(c.get("pipeline_semantic"), c.get("semantic_segmentation_map"), null, labels(fixture), row.getList(2), imageName(c));
      JsonNode reference = c.get("panoptic_threshold0_mask0.3_overlap0");
      assertSegments(c.get("pipeline_panoptic_threshold0_mask0.3_overlap0"), reference.get("segmentation"),
          reference.get("segments_info"), labels(fixture), row.getList(3), imageName(c));
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void depthMatchesThePipeline(Form form) {
    for (String fixture : DEPTH_ESTIMATORS) {
      DepthEstimator stage = new DepthEstimator().setModelPath(model(fixture)).setOutputCol("depth");
      Map<String, Row> out = byName(stage.transform(images(form)));
      for (JsonNode c : cases(fixture)) {
        assertDepth(c, out.get(imageName(c)).getStruct(2), fixture + " " + imageName(c));
      }
    }
  }
}
