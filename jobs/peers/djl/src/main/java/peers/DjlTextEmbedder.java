package peers;

import ai.djl.spark.task.text.TextEmbedder;
import io.sparkformers.bench.Sentences;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The DJL Spark extension's TextEmbedder over the benchmark's sentences (same generator, rows and
 * partitions as TextBench), on Spark 3.5 local[2]. Prints rows/s, then the embedding of the
 * sentence-transformers reference sentence, so the two libraries can be checked for the same output.
 * Arguments: model URL, rows.
 */
public final class DjlTextEmbedder {
  private DjlTextEmbedder() {}

  public static void main(String[] args) {
    String modelUrl = args[0];
    long rows = Long.parseLong(args[1]);
    SparkSession spark = SparkSession.builder().master("local[2]").appName("djl-peer")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    embed(spark, modelUrl, 0, 1_000).write().format("noop").mode("overwrite").save(); // warm-up
    long started = System.nanoTime();
    embed(spark, modelUrl, 0, rows).write().format("noop").mode("overwrite").save();
    double seconds = (System.nanoTime() - started) / 1e9;
    Dataset<Row> reference = spark.createDataset(List.of("This is an example sentence"), Encoders.STRING()).toDF("text");
    List<Float> v = embedder(modelUrl).transform(reference).first().getList(1);
    System.out.println("djl_rows_per_s=" + (rows / seconds) + " first5=" + v.subList(0, 5));
    spark.stop();
  }

  private static Dataset<Row> embed(SparkSession spark, String modelUrl, long from, long to) {
    Dataset<Row> texts = spark.range(from, to, 1, 2)
        .map((MapFunction<Long, String>) Sentences::sentence, Encoders.STRING()).toDF("text");
    return embedder(modelUrl).transform(texts);
  }

  private static TextEmbedder embedder(String modelUrl) {
    TextEmbedder embedder = new TextEmbedder();
    embedder.setInputCol("text");
    embedder.setOutputCol("embedding");
    embedder.setModelUrl(modelUrl);
    embedder.setEngine("OnnxRuntime");
    embedder.setBatchSize(32);
    return embedder;
  }
}
