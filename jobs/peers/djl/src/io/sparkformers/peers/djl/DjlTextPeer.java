package io.sparkformers.peers.djl;

import ai.djl.spark.task.text.TextEmbedder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The DJL side of {@code bash jobs/bench.sh text}: DJL's Spark {@code TextEmbedder} on Spark 3.5,
 * in its own JVM because DJL's Spark extension has no Spark 4 / Scala 2.13 build. TextBench starts
 * it once and sends one command per line on stdin, so DJL's chunks alternate with ours in the same
 * minutes of a shared machine:
 *
 * <ul>
 *   <li>{@code time FROM TO}: embeds sentences [FROM, TO) into the noop sink, answers
 *       {@code peer seconds S}</li>
 *   <li>{@code embed FROM TO}: answers {@code peer embeddings [[...],...]} (JSON), for the agreement check</li>
 *   <li>{@code quit}</li>
 * </ul>
 *
 * <p>Arguments: model folder URL ({@code file:///...}, holding DJL's serving.properties), the jsonl
 * of sentences TextBench wrote ({@code {"id":i,"text":...}} in id order), partitions, batch size.
 */
public final class DjlTextPeer {
  private DjlTextPeer() {}

  public static void main(String[] args) throws Exception {
    String modelUrl = args[0];
    List<String> sentences = readSentences(Path.of(args[1]));
    int partitions = Integer.parseInt(args[2]);
    int batchSize = Integer.parseInt(args[3]);
    SparkSession spark = SparkSession.builder().master("local[" + partitions + "]").appName("djl-peer")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    ObjectMapper json = new ObjectMapper();
    try {
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        String[] command = line.split(" ");
        int from = Integer.parseInt(command[1]);
        int to = Integer.parseInt(command[2]);
        Dataset<Row> embedded = embedder(modelUrl, batchSize).transform(rows(spark, sentences, from, to));
        if (command[0].equals("time")) {
          long started = System.nanoTime();
          embedded.write().format("noop").mode("overwrite").save();
          reply("seconds " + (System.nanoTime() - started) / 1e9);
        } else if (command[0].equals("embed")) {
          List<float[]> vectors = new ArrayList<>();
          for (Row row : embedded.collectAsList()) vectors.add(toFloats(row.getList(1)));
          reply("embeddings " + json.writeValueAsString(vectors));
        } else {
          throw new IllegalArgumentException("unknown command: " + line);
        }
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * A fresh stage per command, as a user's job would build it. Translator settings (tokenizer
   * truncation, padding, pooling, normalization, ORT threads) are not Params in DJL: they come from
   * serving.properties in the model folder.
   */
  private static TextEmbedder embedder(String modelUrl, int batchSize) {
    TextEmbedder embedder = new TextEmbedder();
    embedder.setInputCol("text");
    embedder.setOutputCol("embedding");
    embedder.setModelUrl(modelUrl);
    embedder.setEngine("OnnxRuntime");
    embedder.setBatchSize(batchSize);
    return embedder;
  }

  /**
   * Rows [from, to) as a local relation: Spark slices it into contiguous parts, one per core, the
   * same halves as the spark.range partitions TextBench's stage reads.
   */
  private static Dataset<Row> rows(SparkSession spark, List<String> sentences, int from, int to) {
    return spark.createDataset(sentences.subList(from, to), Encoders.STRING()).toDF("text");
  }

  private static List<String> readSentences(Path jsonl) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> sentences = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
      JsonNode row = json.readTree(line);
      if (row.get("id").asLong() != sentences.size()) throw new IllegalArgumentException("ids out of order in " + jsonl);
      sentences.add(row.get("text").asText());
    }
    return sentences;
  }

  private static float[] toFloats(List<Object> values) {
    float[] floats = new float[values.size()];
    for (int i = 0; i < floats.length; i++) floats[i] = ((Number) values.get(i)).floatValue();
    return floats;
  }

  /** Replies are prefixed so TextBench can tell them from anything else a library prints on stdout. */
  private static void reply(String message) {
    System.out.println("peer " + message);
    System.out.flush();
  }
}
