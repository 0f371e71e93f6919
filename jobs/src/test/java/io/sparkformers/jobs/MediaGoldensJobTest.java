package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vision and audio goldens through the job: a folder of files read with --input-format images or
 * audio, one row per file with its path kept, the task's parameters by their HF names.
 */
class MediaGoldensJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path IMAGES = JobRun.FIXTURES.resolve("inputs/images");

  @TempDir
  Path dir;

  /** Output rows keyed by input file name. */
  private Map<String, Row> run(String task, String model, String format, Path input, String... options) {
    String output = dir.resolve("out").toString();
    String[] base = {"--task", task, "--model", JobRun.FIXTURES.resolve(model).toString(), "--input", input.toString(),
        "--input-format", format, "--output", output};
    JobRun run = JobRun.of(Stream.concat(Arrays.stream(base), Arrays.stream(options)).toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    Map<String, Row> rows = new HashMap<>();
    for (Row r : JobRun.spark().read().parquet(output).collectAsList()) {
      String path = r.getAs("path");
      rows.put(path.substring(path.lastIndexOf('/') + 1), r);
    }
    assertEquals(run.count("rows_in"), rows.size());
    return rows;
  }

  private static JsonNode golden(String model, String file) throws Exception {
    return JSON.readTree(JobRun.FIXTURES.resolve(model).resolve(file).toFile());
  }

  private static String fileName(JsonNode goldenCase, String key) {
    return Path.of(goldenCase.get(key).asText()).getFileName().toString();
  }

  private static void assertLabelScores(JsonNode expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size());
    for (int k = 0; k < actual.size(); k++) {
      assertEquals(expected.get(k).get("label").asText(), actual.get(k).getAs("label"));
      assertEquals(expected.get(k).get("score").floatValue(), (float) actual.get(k).getAs("score"), 1e-4);
    }
  }

  @Test
  void imageClassificationTopTwo() throws Exception {
    for (String model : List.of("image-classification-vit", "image-classification-convnext")) {
      Map<String, Row> out = run("image-classification", model, "images", IMAGES, "--option", "top_k=2");
      for (JsonNode c : golden(model, "golden.json").get("cases")) {
        Row row = out.get(fileName(c, "image"));
        assertLabelScores(c.get("pipeline_top_k_2"), row.getList(row.fieldIndex("prediction")));
      }
      Files.walk(dir.resolve("out")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void objectDetectionBoxesWithinOnePixel() throws Exception {
    String model = "object-detection-detr";
    Map<String, Row> out = run("object-detection", model, "images", IMAGES, "--option", "threshold=0");
    for (JsonNode c : golden(model, "golden.json").get("cases")) {
      JsonNode expected = c.get("pipeline_threshold0");
      Row row = out.get(fileName(c, "image"));
      List<Row> detections = row.getList(row.fieldIndex("prediction"));
      assertLabelScores(expected, detections);
      for (int k = 0; k < detections.size(); k++) {
        Row box = detections.get(k).getAs("box");
        for (String side : List.of("xmin", "ymin", "xmax", "ymax")) {
          assertEquals(expected.get(k).get("box").get(side).asInt(), (int) box.getAs(side), 1);
        }
      }
    }
  }

  @Test
  void semanticSegmentationLabelsAndMaskAreas() throws Exception {
    String model = "image-segmentation-segformer";
    Map<String, Row> out = run("image-segmentation", model, "images", IMAGES);
    for (JsonNode c : golden(model, "golden.json").get("cases")) {
      JsonNode expected = c.get("pipeline_semantic");
      Row row = out.get(fileName(c, "image"));
      List<Row> segments = row.getList(row.fieldIndex("prediction"));
      assertEquals(expected.size(), segments.size());
      for (int k = 0; k < segments.size(); k++) {
        assertEquals(expected.get(k).get("label").asText(), segments.get(k).getAs("label"));
        // IoU >= 0.99 is checked on the stage; here: the PNG decodes to the golden's mask area
        int nonzero = nonzeroPixels(segments.get(k).getAs("mask"));
        assertEquals(expected.get(k).get("mask").get("nonzero_pixels").asInt(), nonzero, 0.01 * nonzero + 1);
      }
    }
  }

  private static int nonzeroPixels(byte[] png) throws Exception {
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) if (image.getRaster().getSample(x, y, 0) != 0) n++;
    }
    return n;
  }

  @Test
  void depthMapWithinOneThousandth() throws Exception {
    String model = "depth-estimation-glpn";
    Map<String, Row> out = run("depth-estimation", model, "images", IMAGES);
    for (JsonNode c : golden(model, "golden.json").get("cases")) {
      Row row = out.get(fileName(c, "image"));
      Row depth = ((Row) row.getAs("prediction")).getAs("predicted_depth");
      List<Float> data = depth.getList(depth.fieldIndex("data"));
      JsonNode expected = c.get("predicted_depth").get("data");
      assertEquals(expected.size(), data.size());
      for (int i = 0; i < data.size(); i++) {
        float want = expected.get(i).floatValue();
        assertEquals(want, data.get(i), 1e-3 * Math.abs(want) + 1e-5);
      }
    }
  }

  @Test
  void audioClassificationLabelsAndScores() throws Exception {
    String model = "audio-classification-wav2vec2";
    Path clips = Files.createDirectories(dir.resolve("clips"));
    JsonNode cases = golden(model, "golden.json").get("cases");
    for (JsonNode c : cases) {
      Files.copy(JobRun.FIXTURES.resolve(c.get("audio").asText()), clips.resolve(fileName(c, "audio")));
    }
    Map<String, Row> out = run("audio-classification", model, "audio", clips);
    for (JsonNode c : cases) {
      Row row = out.get(fileName(c, "audio"));
      assertLabelScores(c.get("pipeline"), row.getList(row.fieldIndex("prediction")));
    }
  }

  @Test
  void longAudioChunkedWithStrideAndWordTimestamps() throws Exception {
    String model = "automatic-speech-recognition-wav2vec2";
    Path clips = Files.createDirectories(dir.resolve("clips"));
    Files.copy(JobRun.FIXTURES.resolve("inputs/audio/audio_4.0s.wav"), clips.resolve("audio_4.0s.wav"));
    JsonNode chunked = null;
    for (JsonNode c : golden(model, "golden_chunked.json").get("cases")) {
      if (c.get("pipeline_args").toString().equals("{\"chunk_length_s\":1.0,\"stride_length_s\":0.25}")) chunked = c;
    }
    Map<String, Row> out = run("automatic-speech-recognition", model, "audio", clips,
        "--option", "chunk_length_s=1.0", "--option", "stride_length_s=0.25");
    Row row = out.get("audio_4.0s.wav");
    assertEquals(chunked.get("pipeline").get("text").asText(), ((Row) row.getAs("prediction")).getAs("text"));
  }
}
