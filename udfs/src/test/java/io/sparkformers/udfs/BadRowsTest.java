package io.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A row a function cannot compute fails the query (as handleInvalid=error); its try_ variant gives
 * NULL for that row alone and counts it; a NULL input gives NULL, as SQL functions do.
 */
class BadRowsTest {
  private static final String VIT = Fixtures.model("image-classification-vit").toString();
  private static final String CLASSIFIER = Fixtures.model("text-classification-bert").toString();
  private static Sparkformers functions;
  private final SparkSession spark = LocalSpark.get();

  @BeforeAll
  static void register() {
    functions = Sparkformers.register(LocalSpark.get());
  }

  /** The fixture images, a text file posing as an image and a NULL, as the view {@code uploads}. */
  private void uploads() throws Exception {
    List<Row> rows = new ArrayList<>();
    Path images = Fixtures.model("inputs/images");
    for (String name : List.of("img_32x32.png", "img_40x56.png", "img_64x48.png")) {
      rows.add(RowFactory.create(name, Files.readAllBytes(images.resolve(name))));
    }
    rows.add(RowFactory.create("notes.png", "not an image".getBytes(StandardCharsets.UTF_8)));
    rows.add(RowFactory.create("missing.png", null));
    spark.createDataFrame(rows, new StructType().add("name", DataTypes.StringType).add("content", DataTypes.BinaryType))
        .repartition(2).createOrReplaceTempView("uploads");
  }

  private Map<String, Object> labelsByName(String sql) {
    Map<String, Object> out = new HashMap<>();
    for (Row r : spark.sql(sql).collectAsList()) out.put(r.getString(0), r.get(1));
    return out;
  }

  @Test
  void tryGivesNullForTheBadRowAloneAndCountsIt() throws Exception {
    uploads();
    long failedBefore = functions.failedRows("try_hf_classify_image").value();
    Map<String, Object> tried = labelsByName("SELECT name, try_hf_classify_image('" + VIT + "', content) FROM uploads");
    Map<String, Object> plain = labelsByName("SELECT name, hf_classify_image('" + VIT + "', content) FROM uploads"
        + " WHERE name <> 'notes.png'");

    assertEquals(5, tried.size());
    assertNull(tried.get("notes.png"));
    assertNull(tried.get("missing.png"), "NULL in, NULL out");
    for (String name : List.of("img_32x32.png", "img_40x56.png", "img_64x48.png")) {
      assertNotNull(tried.get(name), name);
      assertEquals(plain.get(name), tried.get(name), "the bad row changes nothing for " + name);
    }
    assertEquals(1, functions.failedRows("try_hf_classify_image").value() - failedBefore,
        "the bad row is counted, the NULL one is not");
  }

  @Test
  void thePlainFunctionFailsTheQueryWithTheRowsReason() throws Exception {
    uploads();
    Exception e = assertThrows(Exception.class,
        () -> spark.sql("SELECT name, hf_classify_image('" + VIT + "', content) FROM uploads").collectAsList());
    String message = causes(e);
    assertTrue(message.contains("hf_classify_image failed on a row (try_hf_classify_image gives NULL"), message);
    assertTrue(message.contains("InvalidInputException"), message);
  }

  @Test
  void invalidUtf8TextIsABadRowToo() {
    List<Row> rows = List.of(RowFactory.create(0, "Hello world".getBytes(StandardCharsets.UTF_8)),
        RowFactory.create(1, new byte[] {(byte) 0xC3, (byte) 0x28, 0x41}), RowFactory.create(2, new byte[0]));
    spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.BinaryType))
        .createOrReplaceTempView("raw_texts");
    List<Row> out = new ArrayList<>(spark.sql(
        "SELECT id, try_hf_classify('" + CLASSIFIER + "', text) FROM raw_texts").collectAsList());
    out.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    assertNotNull(out.get(0).get(1));
    assertNull(out.get(1).get(1));
    assertNull(out.get(2).get(1));
  }

  /** Every message down the cause chain: Spark wraps what a function throws. */
  private static String causes(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) all.append(t.getMessage()).append('\n');
    return all.toString();
  }
}
