package io.sparkformers.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.vision.ImageBatch;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageProcessor;
import io.sparkformers.inference.vision.ImageProcessors;
import io.sparkformers.inference.vision.ProcessedImage;
import io.sparkformers.ml.ImageClassifier;
import io.sparkformers.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bash jobs/bench.sh vision}: the ViT fixture (ImageClassifier, batch 32) over generated PNG
 * and JPEG images of mixed sizes (32 to 512 px a side) stored as Parquet, Spark local[2] with 2
 * partitions, against plain ONNX Runtime loops with the same batches, 2 threads, intra-op 1:
 * one fed the already pre-processed tensors (the forward-pass ceiling the issue names), one that
 * also decodes and pre-processes with the same classes (the same work the stage does). Prints one
 * JSON line last. bench.images (2000) sets the count.
 */
public final class VisionBench {
  private static final String MODEL = "image-classification-vit";
  private static final int BATCH = 32;
  private static final int THREADS = 2;

  private VisionBench() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("bench.images", 2000);
    List<byte[]> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) images.add(image(i));
    Path model = Fixtures.model(MODEL);
    ImageProcessor processor = ImageProcessors.fromFile(model.resolve("preprocessor_config.json"));
    ImageDecoder decoder = new ImageDecoder();

    // single-threaded shares of the stage's work per image: decode + pre-process, forward
    long started = System.nanoTime();
    List<ProcessedImage> processed = new ArrayList<>(count);
    for (byte[] bytes : images) processed.add(processor.process(decoder.decode(bytes)));
    double preprocessSeconds = (System.nanoTime() - started) / 1e9;

    SparkSession spark = TextBench.localSpark();
    Path parquet = Files.createTempDirectory("vision-bench").resolve("images.parquet");
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) rows.add(RowFactory.create(i, images.get(i)));
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("image", DataTypes.BinaryType))
        .repartition(THREADS).write().parquet(parquet.toString());

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model.resolve("onnx/model.onnx").toString(), options)) {
        stageSeconds(spark, model, parquet); // warm-up
        forwardSeconds(env, session, processed, 1);
        double forwardOneThread = forwardSeconds(env, session, processed, 1);
        double stage = 0;
        double raw = 0;
        double rawWithPreprocess = 0;
        for (int round = 0; round < 2; round++) {
          raw += forwardSeconds(env, session, processed, THREADS);
          rawWithPreprocess += decodeAndForwardSeconds(env, session, images, processor, decoder);
          stage += stageSeconds(spark, model, parquet);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", "image-classification");
        result.put("model", MODEL);
        result.put("images", count);
        result.put("stage_images_per_s", Bench.round(2 * count / stage));
        result.put("raw_ort_images_per_s", Bench.round(2 * count / raw));
        result.put("ratio_vs_raw", Bench.round(raw / stage));
        result.put("raw_ort_with_decode_images_per_s", Bench.round(2 * count / rawWithPreprocess));
        result.put("ratio_vs_raw_with_decode", Bench.round(rawWithPreprocess / stage));
        result.put("decode_preprocess_share", Bench.round(preprocessSeconds / (preprocessSeconds + forwardOneThread)));
        result.put("input_mb", Bench.round(images.stream().mapToLong(b -> b.length).sum() / 1e6));
        result.put("spark_read_only_images_per_s", Bench.round(count / readSeconds(spark, parquet)));
        spark.stop();
        System.out.println(new ObjectMapper().writeValueAsString(result));
      }
    }
  }

  /** Image i: a noisy gradient of a deterministic size, PNG for even i and JPEG for odd. */
  static byte[] image(int i) throws Exception {
    SplittableRandom random = new SplittableRandom(7L * i + 1);
    int width = random.nextInt(32, 513);
    int height = random.nextInt(32, 513);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / width + random.nextInt(16)) & 0xff;
        int g = (y * 255 / height + random.nextInt(16)) & 0xff;
        image.setRGB(x, y, (r << 16) | (g << 8) | ((r + g) / 2));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, i % 2 == 0 ? "png" : "jpg", out);
    return out.toByteArray();
  }

  private static double stageSeconds(SparkSession spark, Path model, Path parquet) {
    Dataset<Row> images = spark.read().parquet(parquet.toString());
    long started = System.nanoTime();
    new ImageClassifier().setModelPath(model.toString()).setBatchSize(BATCH).setOutputCol("labels")
        .transform(images).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  /** Spark reading the Parquet bytes into rows and nothing else: the stage's input cost. */
  private static double readSeconds(SparkSession spark, Path parquet) {
    long started = System.nanoTime();
    spark.read().parquet(parquet.toString())
        .map((org.apache.spark.api.java.function.MapFunction<Row, Integer>) r -> ((byte[]) r.get(1)).length,
            org.apache.spark.sql.Encoders.INT())
        .write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - started) / 1e9;
  }

  /** Each thread runs its half of the images in batches of 32, from ready tensors. */
  private static double forwardSeconds(OrtEnvironment env, OrtSession session, List<ProcessedImage> all, int threads)
      throws Exception {
    return Bench.inThreads(threads, all.size(), (int from, int to) -> {
      for (int b = from; b < to; b += BATCH) run(env, session, all.subList(b, Math.min(b + BATCH, to)));
    });
  }

  /** The same, decoding and pre-processing each batch first, as the stage must. */
  private static double decodeAndForwardSeconds(OrtEnvironment env, OrtSession session, List<byte[]> all,
      ImageProcessor processor, ImageDecoder decoder) throws Exception {
    return Bench.inThreads(THREADS, all.size(), (int from, int to) -> {
      for (int b = from; b < to; b += BATCH) {
        List<ProcessedImage> batch = new ArrayList<>();
        for (byte[] bytes : all.subList(b, Math.min(b + BATCH, to))) batch.add(processor.process(decoder.decode(bytes)));
        run(env, session, batch);
      }
    });
  }

  private static void run(OrtEnvironment env, OrtSession session, List<ProcessedImage> batch) throws Exception {
    Tensor pixels = ImageBatch.stack(batch).get(ImageBatch.PIXEL_VALUES);
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels.floats()), pixels.shape());
        OrtSession.Result result = session.run(Map.of(ImageBatch.PIXEL_VALUES, input))) {
      result.get(0).getValue();
    }
  }


}
