package io.sparkformers.udfs.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.ml.ImageClassifier;
import io.sparkformers.ml.Tasks;
import io.sparkformers.ml.TextClassifier;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.ml.MLHandler$;
import org.apache.spark.sql.connect.ml.MLUtils$;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The stages through Spark Connect ML, as Spark 4's server runs them: the messages PySpark's Connect
 * client sends for {@code transform}, {@code save} and {@code load} (the JVM client has no ML API),
 * handed to the server's ML handler. The server finds third-party stages through ServiceLoader
 * (META-INF/services/org.apache.spark.ml.Transformer), makes them with their (uid) constructor,
 * sets the Params from literals, saves them with their MLWriter and loads them with their static load.
 */
class ConnectMlTest {
  private static final String CLASSIFIER = Fixtures.model("text-classification-bert").toString();
  private static final String TEXTS =
      "SELECT * FROM VALUES (0, 'a fine film'), (1, 'dull and far too long') AS t(id, text)";
  private final SparkSession spark = LocalSpark.get();
  private final SessionHolder session = new SessionHolder("user", UUID.randomUUID().toString(),
      (org.apache.spark.sql.classic.SparkSession) spark);

  @Test
  void theServerFindsEveryStage() {
    Set<String> registered = new TreeSet<>(CollectionConverters.asJava(
        MLUtils$.MODULE$.loadOperators(Transformer.class)).keySet());
    for (String task : Tasks.names()) {
      String stage = Tasks.stage(task).getClass().getName();
      assertEquals(true, registered.contains(stage), stage + " is not among " + registered);
    }
  }

  @Test
  void aTextStageTransformsAsItDoesInAClassicSession() {
    Map<String, Expression.Literal> params = Map.of("modelPath", string(CLASSIFIER), "outputCol", string("labels"),
        "batchSize", integer(1), "topK", integer(2));
    Dataset<Row> connect = transform(TextClassifier.class, params, TEXTS);
    Dataset<Row> classic = new TextClassifier().setModelPath(CLASSIFIER).setOutputCol("labels").setBatchSize(1)
        .setTopK(2).transform(spark.sql(TEXTS));

    assertEquals(json(classic), json(connect));
  }

  @Test
  void anImageStageTransformsAsItDoesInAClassicSession() {
    String model = Fixtures.model("image-classification-vit").toString();
    String images = "SELECT substring_index(path, '/', -1) AS name, content FROM binaryFile.`"
        + Fixtures.model("inputs/images") + "`";
    Dataset<Row> connect = transform(ImageClassifier.class,
        Map.of("modelPath", string(model), "inputCol", string("content"), "outputCol", string("labels")), images)
        .select("name", "labels");
    Dataset<Row> classic = new ImageClassifier().setModelPath(model).setInputCol("content").setOutputCol("labels")
        .transform(spark.sql(images)).select("name", "labels");

    assertEquals(json(classic), json(connect));
  }

  @Test
  void aStageSavedAndLoadedThroughConnectKeepsItsParams(@TempDir Path dir) {
    String path = dir.resolve("classifier").toString();
    MlOperator operator = operator(TextClassifier.class, "TextClassifier_connect");
    MlParams params = params(Map.of("modelPath", string(CLASSIFIER), "outputCol", string("sentiment"),
        "handleInvalid", string("keep")));
    MLHandler$.MODULE$.handleMlCommand(session, MlCommand.newBuilder().setWrite(MlCommand.Write.newBuilder()
        .setOperator(operator).setParams(params).setPath(path).setShouldOverwrite(true)).build());

    MlCommandResult loaded = MLHandler$.MODULE$.handleMlCommand(session, MlCommand.newBuilder()
        .setRead(MlCommand.Read.newBuilder().setOperator(operator).setPath(path)).build());

    assertEquals("TextClassifier_connect", loaded.getOperatorInfo().getUid());
    Map<String, Expression.Literal> back = loaded.getOperatorInfo().getParams().getParamsMap();
    assertEquals(CLASSIFIER, back.get("modelPath").getString());
    assertEquals("sentiment", back.get("outputCol").getString());
    assertEquals("keep", back.get("handleInvalid").getString());
    TextClassifier classic = TextClassifier.load(path);
    assertEquals(json(classic.transform(spark.sql(TEXTS))),
        json(transform(TextClassifier.class, params.getParamsMap(), TEXTS)));
  }

  /** MlRelation.Transform over a SQL input, as pyspark.ml's transform sends it in a Connect session. */
  private Dataset<Row> transform(Class<?> stage, Map<String, Expression.Literal> params, String input) {
    MlRelation relation = MlRelation.newBuilder().setTransform(MlRelation.Transform.newBuilder()
        .setTransformer(operator(stage, stage.getSimpleName() + "_" + UUID.randomUUID()))
        .setInput(Relation.newBuilder().setSql(SQL.newBuilder().setQuery(input)))
        .setParams(params(params))).build();
    return MLHandler$.MODULE$.transformMLRelation(relation, session);
  }

  private static MlOperator operator(Class<?> stage, String uid) {
    return MlOperator.newBuilder().setName(stage.getName()).setUid(uid)
        .setType(MlOperator.OperatorType.OPERATOR_TYPE_TRANSFORMER).build();
  }

  private static MlParams params(Map<String, Expression.Literal> params) {
    return MlParams.newBuilder().putAllParams(params).build();
  }

  private static Expression.Literal integer(int value) {
    return Expression.Literal.newBuilder().setInteger(value).build();
  }

  private static Expression.Literal string(String value) {
    return Expression.Literal.newBuilder().setString(value).build();
  }

  private static List<String> json(Dataset<Row> df) {
    List<String> rows = new ArrayList<>(df.toJSON().collectAsList());
    rows.sort(null);
    return rows;
  }
}
