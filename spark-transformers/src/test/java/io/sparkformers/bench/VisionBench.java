package io.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.task.vision.ImageClassificationPipeline;
import io.sparkformers.inference.vision.ImageBatch;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import io.sparkformers.inference.vision.ProcessedImage;
import io.sparkformers.ml.ImageClassifier;
import io.sparkformers.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bash jobs/bench.sh vision}: the ImageClassifier stage over a folder of generated
 * PNG and JPEG files of mixed sizes read as binaryFile on local[2], written to the noop sink, against
 * two {@link RawImageLoop}s with the same batches on 2 threads: one doing the stage's work
 * without Spark (read + decode + pre-process + forward of the same files: {@code ratio_vs_raw}), one
 * given the batches already pre-processed (the forward pass alone: {@code ratio_vs_forward_only}).
 * The JSON also gives pre-processing timed on one thread over the same images, its share of the
 * stage's thread time, Spark's cost of reading the files alone, and the best forward-only ratio a
 * stage could reach without overlapping pre-processing with the forward pass. Prints one JSON line
 * last.
 *
 * <p>System properties: bench.model ({@code fixture}: the tiny ViT test fixture, 32x32 input; or
 * {@code vit-base}: {@link SyntheticVit#write} ViT-Base/16 at 224x224 with random weights, the
 * compute of google/vit-base-patch16-224), bench.rows (3000 images; 200 for vit-base),
 * bench.batch (32; 8 for vit-base), bench.warmups (3; 1 for vit-base) and bench.rounds (3; 2 for vit-base): the loops and the stage
 * alternate, so a slow spell on a shared machine hits all three.
 */
public final class VisionBench {
  private static final int THREADS = 2;
  private static final String FIXTURE = "image-classification-vit";

  private VisionBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].equals("vision")) throw new IllegalArgumentException("usage: VisionBench vision");
    String modelName = System.getProperty("bench.model", "fixture");
    boolean base = switch (modelName) {
      case "fixture" -> false;
      case "vit-base" -> true;
      default -> throw new IllegalArgumentException("bench.model: fixture or vit-base, not " + modelName);
    };
    int rows = Integer.getInteger("bench.rows", base ? 200 : 3_000);
    int rounds = Integer.getInteger("bench.rounds", base ? 2 : 3);
    int warmups = Integer.getInteger("bench.warmups", base ? 1 : 3);
    // ViT-Base on CPU runs faster per image in batches of 8 than of 32 (smaller activations);
    // stage and loops use the same batch either way
    int batch = Integer.getInteger("bench.batch", base ? 8 : 32);
    Path model = base
        ? SyntheticVit.write(Paths.get("target", "bench-models", "vit-base"), SyntheticVit.Size.BASE)
        : Fixtures.model(FIXTURE);
    List<Path> files = BenchImages.folder(Paths.get("target", "bench-images", Integer.toString(rows)), rows);

    // pre-processing as the stage's pipeline does it, one thread, file reads not counted
    ImageClassificationPipeline pipeline = new ImageClassificationPipeline(Fixtures.open(model), new ImageDecoder(),
        new ImageClassificationPipeline.Settings(5, null));
    List<ProcessedImage> processed = new ArrayList<>(rows);
    long preprocessNanos = 0;
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      long started = System.nanoTime();
      processed.add(pipeline.preprocess(new ImageInput.Encoded(bytes)));
      preprocessNanos += System.nanoTime() - started;
    }
    double preprocessSeconds = preprocessNanos / 1e9;
    List<float[]> batches = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    for (int b = 0; b < rows; b += batch) {
      Tensor pixels = ImageBatch.stack(processed.subList(b, Math.min(b + batch, rows))).get(ImageBatch.PIXEL_VALUES);
      batches.add(pixels.floats());
      shapes.add(pixels.shape());
    }
    processed.clear();

    SparkSession spark = TextBench.localSpark();
    if (base) {
      // ~8 images a task instead of ~32: 200 images in 7 tasks would leave one of the two threads
      // idle for a whole task at the end; a task here lasts seconds, so its own cost is noise
      spark.conf().set("spark.sql.files.maxPartitionBytes", "32m");
    }
    String folder = files.get(0).getParent().toAbsolutePath().toString();
    double stageSeconds = 0;
    double rawSeconds = 0;
    double fromFilesSeconds = 0;
    double readSeconds = 0;
    List<Double> roundRatios = new ArrayList<>();
    int partitions;
    try (RawImageLoop raw = new RawImageLoop(model.resolve("onnx").resolve("model.onnx"))) {
      partitions = images(spark, folder).rdd().getNumPartitions();
      // warm-up: model load, ORT's first-run allocations, and the JIT, which takes a few passes
      // over the stage's own code paths before its speed settles
      for (int w = 0; w < warmups; w++) {
        stageSeconds(spark, model, folder, batch);
        raw.seconds(batches, shapes, THREADS);
        raw.secondsFromFiles(files, pipeline, batch, THREADS);
        readSeconds(spark, folder);
      }
      for (int r = 0; r < rounds; r++) {
        double forward = raw.seconds(batches, shapes, THREADS);
        double fromFiles = raw.secondsFromFiles(files, pipeline, batch, THREADS);
        double stage = stageSeconds(spark, model, folder, batch);
        rawSeconds += forward;
        fromFilesSeconds += fromFiles;
        stageSeconds += stage;
        readSeconds += readSeconds(spark, folder);
        // a shared machine's slow spells show as rounds that disagree
        roundRatios.add(Bench.round(fromFiles / stage));
      }
    }
    spark.stop();

    long images = (long) rows * rounds;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("task", "image-classification");
    result.put("model", base ? "synthetic vit-base-patch16-224" : FIXTURE);
    result.put("images", rows);
    result.put("sides_px", BenchImages.MIN_SIDE + "-" + BenchImages.MAX_SIDE);
    result.put("formats", "png+jpeg");
    result.put("partitions", partitions);
    result.put("batch", batch);
    result.put("onnxruntime", ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
    result.put("stage_images_per_s", Bench.round(images / stageSeconds));
    result.put("raw_ort_images_per_s", Bench.round(images / fromFilesSeconds));
    result.put("ratio_vs_raw", Bench.round(fromFilesSeconds / stageSeconds));
    result.put("ratio_vs_raw_per_round", roundRatios);
    result.put("forward_only_images_per_s", Bench.round(images / rawSeconds));
    result.put("ratio_vs_forward_only", Bench.round(rawSeconds / stageSeconds));
    result.put("preprocess_images_per_s_1thread", Bench.round(rows / preprocessSeconds));
    // the stage's thread time is THREADS x its wall time; pre-processing's is measured on one thread
    double preprocessPerRound = preprocessSeconds;
    double stagePerRound = stageSeconds / rounds;
    result.put("preprocess_share_of_stage", Bench.round(preprocessPerRound / (THREADS * stagePerRound)));
    double rawPerRound = rawSeconds / rounds;
    result.put("spark_read_only_images_per_s", Bench.round(images / readSeconds));
    result.put("forward_only_ceiling_without_overlap", Bench.round(rawPerRound / (rawPerRound + preprocessPerRound / THREADS)));
    System.out.println(new ObjectMapper().writeValueAsString(result));
  }

  private static Dataset<Row> images(SparkSession spark, String folder) {
    return spark.read().format("binaryFile").load(folder);
  }

  /** Seconds Spark takes to read the folder as binaryFile rows and nothing else: the stage's input cost. */
  private static double readSeconds(SparkSession spark, String folder) {
    long started = System.nanoTime();
    images(spark, folder).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  /** Seconds the ImageClassifier stage takes over the folder, written to the noop sink so every image is classified. */
  private static double stageSeconds(SparkSession spark, Path model, String folder, int batch) {
    ImageClassifier stage = new ImageClassifier().setModelPath(model.toString())
        .setInputCol("content").setOutputCol("labels").setBatchSize(batch);
    long started = System.nanoTime();
    stage.transform(images(spark, folder)).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

}
