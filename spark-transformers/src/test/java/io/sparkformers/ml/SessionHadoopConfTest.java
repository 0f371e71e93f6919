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
 * A model folder, or image files, behind a file system that only the Spark session's
 * configuration names, set at runtime as a notebook sets fs.azure.account.key...: the stage must
 * read them with that configuration, not one built from the JVM's own files. In local mode the
 * tasks reuse the driver's fetch; MultiExecutorTest fetches in executor JVMs.
 */
class SessionHadoopConfTest {
  private static final String MODEL = "text-classification-bert";
  // no other test in this JVM names it: Hadoop caches a file system per scheme, whatever conf asked
  private static final String SCHEME = "sftest";
  private static final String IMAGE_SCHEME = "sfimages";
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

  @Test
  void imagePathsAreReadWithTheSessionConf() {
    Path images = Fixtures.model("inputs/images").toAbsolutePath();
    List<Row> rows = new ArrayList<>();
    for (String name : List.of("img_32x32.png", "img_40x56.png", "img_64x48.png")) {
      rows.add(RowFactory.create(rows.size(), images.resolve(name).toString(), IMAGE_SCHEME + "://" + images.resolve(name)));
    }
    Dataset<Row> paths = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("local", DataTypes.StringType).add("remote", DataTypes.StringType)).repartition(2);
    spark.conf().set(RemoteLikeFileSystem.implKey(IMAGE_SCHEME), RemoteLikeFileSystem.class.getName());
    try {
      int before = RemoteLikeFileSystem.OPENS.get();
      List<Row> remote = imageLabels(paths, "remote");
      assertEquals(rows.size(), RemoteLikeFileSystem.OPENS.get() - before, "each image read through " + IMAGE_SCHEME + ":");
      assertEquals(imageLabels(paths, "local"), remote);
    } finally {
      spark.conf().unset(RemoteLikeFileSystem.implKey(IMAGE_SCHEME));
    }
  }

  private static List<Row> imageLabels(Dataset<Row> paths, String column) {
    ImageClassifier stage = new ImageClassifier().setModelPath(Fixtures.model("image-classification-vit").toString())
        .setInputCol(column).setOutputCol("labels");
    List<Row> out = new ArrayList<>(stage.transform(paths).select("id", "labels").collectAsList());
    out.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return out;
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
