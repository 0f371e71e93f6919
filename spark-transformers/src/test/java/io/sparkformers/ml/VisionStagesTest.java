package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image stages' behaviour beyond the goldens: bad rows, limits, the label-map option, persistence. */
class VisionStagesTest {
  private final SparkSession spark = LocalSpark.get();
  private static final Path IMAGES = Fixtures.model("inputs/images");

  private static ImageClassifier classifier() {
    return new ImageClassifier().setModelPath(Fixtures.model("image-classification-vit").toString())
        .setInputCol("image").setOutputCol("labels");
  }

  /** Good images and bad rows of every kind, as bytes; the 64x48 image is over a 2,500-pixel limit. */
  private Dataset<Row> withBadRows() throws Exception {
    byte[] png = Files.readAllBytes(IMAGES.resolve("img_32x32.png"));
    List<Row> rows = List.of(
        RowFactory.create(0, png),
        RowFactory.create(1, (Object) null),
        RowFactory.create(2, new byte[0]),
        RowFactory.create(3, "not an image at all".getBytes()),
        RowFactory.create(4, java.util.Arrays.copyOf(png, png.length / 2)),
        RowFactory.create(5, Files.readAllBytes(IMAGES.resolve("img_64x48.png"))),
        RowFactory.create(6, Files.readAllBytes(IMAGES.resolve("img_40x56.png"))));
    return spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("image", DataTypes.BinaryType))
        .repartition(2);
  }

  private static List<Row> sortedById(Dataset<Row> out) {
    List<Row> rows = new ArrayList<>(out.collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  @Test
  void keepGivesNullOutputAndAReasonForEachBadImage() throws Exception {
    ImageClassifier stage = classifier().setHandleInvalid("keep").setMaxPixels(2_500);
    List<Row> out = sortedById(stage.transform(withBadRows()));
    assertEquals(7, out.size());
    assertNotNull(out.get(0).get(2));
    assertNotNull(out.get(6).get(2));
    String[] reasons = {null, "null", "empty", "not an image", "corrupt", "over the limit of 2500", null};
    for (int i = 0; i < reasons.length; i++) {
      String error = out.get(i).getString(3);
      if (reasons[i] == null) {
        assertNull(error, "row " + i);
      } else {
        assertNull(out.get(i).get(2), "row " + i);
        assertTrue(error != null && error.contains(reasons[i]), "row " + i + ": " + error);
      }
    }
    assertEquals(7, stage.counters().rowsIn.value());
    assertEquals(5, stage.counters().rowsFailed.value());
  }

  @Test
  void skipDropsBadImagesAndCountsThem() throws Exception {
    ImageClassifier stage = classifier().setHandleInvalid("skip").setMaxPixels(2_500);
    assertEquals(2, stage.transform(withBadRows()).count());
    assertEquals(5, stage.counters().rowsSkipped.value());
    assertEquals(stage.counters().rowsIn.value(), stage.counters().rowsOut.value() + stage.counters().rowsSkipped.value());
  }

  @Test
  void undecodableFilesFromTheImageSourceAndMissingPathsAreBadRows(@TempDir Path dir) throws Exception {
    Files.copy(IMAGES.resolve("img_32x32.png"), dir.resolve("good.png"));
    Files.write(dir.resolve("bad.png"), "truncated".getBytes());
    // dropInvalid=false (Spark's default) keeps the file as a struct of -1 sizes
    Dataset<Row> structs = spark.read().format("image").load(dir.toString());
    ImageClassifier stage = classifier().setHandleInvalid("keep");
    List<Row> out = stage.transform(structs).collectAsList();
    assertEquals(2, out.size());
    assertEquals(1, out.stream().filter(r -> r.get(1) != null).count());
    assertTrue(out.stream().anyMatch(r -> r.getString(2) != null && r.getString(2).contains("not a decoded image")));

    Dataset<Row> paths = spark.createDataFrame(List.of(RowFactory.create(dir.resolve("missing.png").toString())),
        new StructType().add("image", DataTypes.StringType));
    assertTrue(stage.transform(paths).first().getString(2).contains("no image file"));
  }

  @Test
  void segmentationCanReturnTheLabelMap() {
    String fixture = "image-segmentation-segformer";
    ImageSegmenter stage = new ImageSegmenter().setModelPath(Fixtures.model(fixture).toString())
        .setReturnLabelMap(true).setOutputCol("map");
    Dataset<Row> paths = spark.createDataFrame(List.of(RowFactory.create(IMAGES.resolve("img_40x56.png").toString())),
        new StructType().add("image", DataTypes.StringType));
    assertEquals("struct<height:int,width:int,segmentation:array<int>,segments_info:array<struct<id:int,label_id:int,"
        + "label:string,score:float,was_fused:boolean>>>", stage.transformSchema(paths.schema()).apply("map").dataType()
        .simpleString());
    Row map = stage.transform(paths).first().getStruct(1);
    JsonNode golden = null;
    for (JsonNode c : Fixtures.golden(fixture, "golden.json").get("cases")) {
      if (c.get("image").asText().endsWith("img_40x56.png")) golden = c;
    }
    JsonNode expected = golden.get("segmentation_map");
    assertEquals(expected.get("shape").get(0).asInt(), map.getInt(0));
    assertEquals(expected.get("shape").get(1).asInt(), map.getInt(1));
    List<Integer> ids = map.getList(2);
    int same = 0;
    for (int i = 0; i < ids.size(); i++) same += ids.get(i) == expected.get("data").get(i).asInt() ? 1 : 0;
    assertTrue(same >= 0.99 * ids.size(), same + " of " + ids.size() + " pixels agree");
    List<Row> segments = map.getList(3);
    JsonNode pipeline = golden.get("pipeline_semantic");
    assertEquals(pipeline.size(), segments.size());
    for (int k = 0; k < segments.size(); k++) {
      assertEquals(pipeline.get(k).get("label").asText(), segments.get(k).getAs("label"));
      assertNull(segments.get(k).getAs("score"));
    }
  }

  @Test
  void wrongInputTypeIsRejectedOnTheDriverNamingTheColumn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> classifier().transform(spark.range(2).toDF("image")));
    assertTrue(e.getMessage().contains("'image'") && e.getMessage().contains("bigint"), e.getMessage());
  }

  @Test
  void aPixelStepWeDoNotReproduceFailsOnTheDriverNamingTheField(@TempDir Path dir) throws Exception {
    Path vit = Fixtures.model("image-classification-vit");
    Path model = Files.createDirectories(dir.resolve("model/onnx"));
    Files.copy(vit.resolve("config.json"), model.getParent().resolve("config.json"));
    Files.copy(vit.resolve("onnx/model.onnx"), model.resolve("model.onnx"));
    String config = Files.readString(vit.resolve("preprocessor_config.json"))
        .replace("\"ViTImageProcessor\"", "\"DonutLikeImageProcessor\", \"do_thumbnail\": true");
    Files.writeString(model.getParent().resolve("preprocessor_config.json"), config);
    ImageClassifier stage = classifier().setModelPath(model.getParent().toString());
    Dataset<Row> df = spark.read().format("binaryFile").load(IMAGES.toString()).withColumnRenamed("content", "image");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stage.transform(df));
    assertTrue(e.getMessage().contains("do_thumbnail"), e.getMessage());
  }

  @Test
  void aSubtaskTheModelLacksFailsOnTheDriver() {
    ImageSegmenter stage = new ImageSegmenter()
        .setModelPath(Fixtures.model("image-segmentation-segformer").toString()).setSubtask("instance");
    Dataset<Row> df = spark.read().format("binaryFile").load(IMAGES.toString()).withColumnRenamed("content", "image");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stage.transform(df));
    assertTrue(e.getMessage().contains("instance") && e.getMessage().contains("segformer"), e.getMessage());
  }

  @Test
  void stagesAreRegisteredUnderHfTaskNamesAndSaveAndLoad(@TempDir Path dir) throws Exception {
    assertInstanceOf(ImageClassifier.class, Tasks.stage("image-classification"));
    assertInstanceOf(ObjectDetector.class, Tasks.stage("object-detection"));
    assertInstanceOf(ImageSegmenter.class, Tasks.stage("image-segmentation"));
    assertInstanceOf(DepthEstimator.class, Tasks.stage("depth-estimation"));

    ImageSegmenter stage = new ImageSegmenter().setModelPath("/models/m2f").setSubtask("panoptic")
        .setLabelIdsToFuse(1, 3).setMaskThreshold(0.3).setMaxPixels(1_000_000L);
    String path = dir.resolve("segmenter").toString();
    stage.write().save(path);
    ImageSegmenter loaded = ImageSegmenter.load(path);
    assertEquals("panoptic", loaded.$(loaded.subtask()));
    assertArrayEquals(new int[] {1, 3}, loaded.$(loaded.labelIdsToFuse()));
    assertEquals(0.3, (double) loaded.$(loaded.maskThreshold()));
    assertEquals(1_000_000L, (long) loaded.$(loaded.maxPixels()));
    assertEquals(stage.uid(), loaded.uid());
  }
}
