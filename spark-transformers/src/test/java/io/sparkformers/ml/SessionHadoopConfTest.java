package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import io.sparkformers.testing.RemoteLikeFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder behind a file system that only the Spark session's configuration names, set at
 * runtime as a notebook sets fs.azure.account.key...: the stage must fetch it with that
 * configuration, not one built from the JVM's own files. In local mode the tasks reuse the
 * driver's fetch; MultiExecutorTest fetches in executor JVMs.
 */
class SessionHadoopConfTest {
  private static final String MODEL = "text-classification-bert";
  // no other test in this JVM names it: Hadoop caches a file system per scheme, whatever conf asked
  private static final String SCHEME = "sftest";
  private final SparkSession spark = LocalSpark.get();

  @Test
  void aSchemeSetOnlyInTheSessionConfReachesTheModel(@TempDir Path remote) throws IOException {
    // a folder of its own, so the JVM-wide fetch cache (keyed by URI) has no entry for it
    copyTree(Fixtures.model(MODEL), remote);
    String uri = SCHEME + "://" + remote.toAbsolutePath();
    spark.conf().set(RemoteLikeFileSystem.implKey(SCHEME), RemoteLikeFileSystem.class.getName());
    try {
      List<Row> local = labels(Fixtures.model(MODEL).toString());
      int before = RemoteLikeFileSystem.OPENS.get();
      List<Row> fetched = labels(uri);
      assertTrue(RemoteLikeFileSystem.OPENS.get() > before, "the model was read through " + SCHEME + ":");
      assertEquals(local, fetched);
    } finally {
      spark.conf().unset(RemoteLikeFileSystem.implKey(SCHEME));
    }
  }

  private List<Row> labels(String modelPath) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : Fixtures.golden(MODEL, "golden.json").get("cases")) {
      rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    }
    Dataset<Row> texts = spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)).repartition(2);
    TextClassifier stage = new TextClassifier().setModelPath(modelPath).setInputCol("text").setOutputCol("labels")
        .setTopK(NullableIntParam.NONE);
    List<Row> out = new ArrayList<>(stage.transform(texts).collectAsList());
    out.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
