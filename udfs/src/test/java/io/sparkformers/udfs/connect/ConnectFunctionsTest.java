package io.sparkformers.udfs.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.ml.FeatureExtractor;
import io.sparkformers.ml.ImageClassifier;
import io.sparkformers.ml.TextClassifier;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.udfs.Sparkformers;
import io.sparkformers.udfs.SparkformersExtensions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * The functions through Spark Connect, as Databricks standard and serverless compute give them: a
 * Connect server started with {@code spark.sql.extensions=...SparkformersExtensions} and no other
 * set-up, queried by the Spark Connect JVM client. Each function returns what its stage gives in the
 * server's own classic session, and a bad input fails with the message the classic session gives.
 * Its own JVM: it starts a SparkContext with the extension, and the Connect service.
 */
@Tag("own-jvm")
class ConnectFunctionsTest {
  private static final String CLASSIFIER = Fixtures.model("text-classification-bert").toString();
  private static final String TEXTS =
      "VALUES (0, 'a fine film'), (1, 'dull and far too long'), (2, 'I loved every minute of it') AS t(id, text)";
  private static SparkSession server;
  private static ConnectClient client;

  @BeforeAll
  static void startServer() throws Exception {
    server = SparkSession.builder().master("local[2]").appName("ConnectFunctionsTest")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.extensions", SparkformersExtensions.class.getName())
        .config("spark.connect.grpc.binding.port", "0")
        .getOrCreate();
    SparkConnectService$.MODULE$.start(server.sparkContext());
    client = ConnectClient.connect("sc://127.0.0.1:" + SparkConnectService$.MODULE$.localPort());
  }

  @AfterAll
  static void stopServer() throws Exception {
    try {
      if (client != null) client.close();
      SparkConnectService$.MODULE$.stop(Option.empty(), Option.empty());
    } finally {
      server.stop();
    }
  }

  /** JSON lines in id / name order: both sides' rows, formatted by the same server. */
  private static List<String> sorted(List<String> json) {
    List<String> out = new ArrayList<>(json);
    out.sort(null);
    return out;
  }

  private static List<String> json(Dataset<Row> df) {
    return sorted(df.toJSON().collectAsList());
  }

  @Test
  void hfEmbedIsTheFeatureExtractorStage() throws Exception {
    String miniLm = Fixtures.miniLm().toString();
    List<String> connect = client.json("SELECT id, hf_embed('" + miniLm + "', text) AS embedding FROM " + TEXTS);
    List<String> stage = json(new FeatureExtractor().setModelPath(miniLm).setPooling("mean")
        .setOutputCol("embedding").transform(server.sql("SELECT * FROM " + TEXTS)).select("id", "embedding"));

    assertEquals(3, connect.size());
    assertEquals(stage, sorted(connect));
  }

  @Test
  void tryHfClassifyGivesNullForTheBadRowAndTheStageValuesForTheOthers() throws Exception {
    String rows = "VALUES (0, CAST('a fine film' AS BINARY)), (1, X'FF'), (2, CAST('dull' AS BINARY)) AS t(id, text)";
    List<String> connect = client.json("SELECT id, try_hf_classify('" + CLASSIFIER + "', text) AS labels FROM " + rows);
    List<String> stage = json(new TextClassifier().setModelPath(CLASSIFIER).setOutputCol("labels")
        .setHandleInvalid("keep").transform(server.sql("SELECT * FROM " + rows)).select("id", "labels"));

    assertEquals("{\"id\":1}", sorted(connect).get(1)); // invalid UTF-8: NULL, left out of the JSON
    assertEquals(stage, sorted(connect));
  }

  @Test
  void hfClassifyImageIsTheImageClassifierStage() throws Exception {
    String model = Fixtures.model("image-classification-vit").toString();
    String images = Fixtures.model("inputs/images").toString();
    List<String> connect = client.json("SELECT substring_index(path, '/', -1) AS name, hf_classify_image('"
        + model + "', content) AS labels FROM binaryFile.`" + images + "`");
    List<String> stage = json(new ImageClassifier().setModelPath(model).setInputCol("content").setOutputCol("labels")
        .transform(server.read().format("binaryFile").load(images)
            .selectExpr("substring_index(path, '/', -1) AS name", "content"))
        .select("name", "labels"));

    assertEquals(stage.size(), connect.size());
    assertEquals(stage, sorted(connect));
  }

  @Test
  void aBadRowFailsTheQueryWithTheReasonTheClassicSessionGives() {
    String query = "SELECT hf_classify('" + CLASSIFIER + "', X'FF') AS labels";
    String classic = messageOf(assertThrows(Exception.class, () -> server.sql(query).collect()),
        "hf_classify failed on a row (try_hf_classify gives NULL for such rows and counts them): ");
    assertTrue(classic.endsWith("input bytes are not valid UTF-8: Input length = 1"), classic);

    Exception connect = assertThrows(Exception.class, () -> client.json(query));
    assertTrue(connect.getMessage().contains(classic), connect.getMessage());
  }

  @Test
  void aBadModelFailsTheQueryBeforeAnyTask() {
    Exception e = assertThrows(Exception.class, () -> client.json("SELECT hf_classify('/no/such/model', 'a text')"));
    assertTrue(e.getMessage().contains("hf_classify: model /no/such/model: "), e.getMessage());
  }

  @Test
  void theBatcherSettingsComeFromTheConnectSessionsConf() throws Exception {
    client.set(Sparkformers.MAX_WAIT_MS, "soon");
    try {
      Exception e = assertThrows(Exception.class, () -> client.json("SELECT hf_classify('" + CLASSIFIER + "', 'a')"));
      assertTrue(e.getMessage().contains(Sparkformers.MAX_WAIT_MS + " must be a whole number, got 'soon'"),
          e.getMessage());
    } finally {
      client.set(Sparkformers.MAX_WAIT_MS, "5");
    }
    // the server's own session keeps its default
    assertEquals(1, server.sql("SELECT hf_classify('" + CLASSIFIER + "', 'a')").collectAsList().size());
  }

  @Test
  void theExtensionsTryCountersAreTheSessions() {
    long before = Sparkformers.of(server).failedRows("try_hf_classify").value();
    List<Row> rows = server.sql("SELECT try_hf_classify('" + CLASSIFIER + "', X'FF') AS labels").collectAsList();

    assertTrue(rows.get(0).isNullAt(0));
    assertEquals(before + 1, Sparkformers.of(server).failedRows("try_hf_classify").value());
  }

  /** The message in {@code e}'s causes that starts with {@code prefix}. */
  private static String messageOf(Throwable e, String prefix) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().startsWith(prefix)) return t.getMessage();
    }
    throw new AssertionError("no cause starts with '" + prefix + "'", e);
  }
}
