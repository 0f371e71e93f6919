package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import io.sparkformers.testing.hostile.HostileAudio;
import io.sparkformers.testing.hostile.HostileImages;
import io.sparkformers.testing.hostile.HostileInput;
import io.sparkformers.testing.hostile.HostileInput.Expect;
import io.sparkformers.testing.hostile.HostileTexts;
import io.sparkformers.testing.hostile.PeakRss;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of generated hostile inputs per modality through a stage under handleInvalid keep and
 * skip: no task fails, every row is counted (in = out + skipped, failed = rows with an error), keep
 * and skip agree on which rows are bad, inputs with a known answer get it, and the process's peak
 * resident set stays bounded (printed, and asserted against a budget over the resident set before).
 */
class HostileInputsTest {
  /** Growth of the peak RSS over the RSS before the run: a 100k x 100k bomb or a 10 MB row decoded would pass it. */
  private static final long RSS_BUDGET_MB = 1536;

  private static Dataset<Row> frame(List<HostileInput> corpus) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) rows.add(RowFactory.create(i, corpus.get(i).bytes()));
    return LocalSpark.get().createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("input", DataTypes.BinaryType)).repartition(4);
  }

  @Test
  void hostileTextsUnderKeepAndSkip() {
    survives("text", HostileTexts.cases(), () -> new TextClassifier()
        .setModelPath(Fixtures.model("text-classification-bert").toString()));
  }

  @Test
  void hostileImagesUnderKeepAndSkip() {
    survives("image", HostileImages.cases(), () -> new ImageClassifier()
        .setModelPath(Fixtures.model("image-classification-vit").toString()));
  }

  @Test
  void hostileAudioUnderKeepAndSkip() {
    survives("audio", HostileAudio.cases(), () -> new AudioClassifier()
        .setModelPath(Fixtures.model("audio-classification-wav2vec2").toString()));
  }

  @Test
  void aNullPairIsTheTextAloneAndHostileStringsPassAsStrings() {
    // the valid texts as a string column, each with a NULL, an empty and a hostile second text
    List<Row> rows = new ArrayList<>();
    for (HostileInput c : HostileTexts.cases()) {
      if (c.expect() != Expect.VALID) continue;
      String text = new String(c.bytes(), StandardCharsets.UTF_8);
      rows.add(RowFactory.create(rows.size(), text, null));
      rows.add(RowFactory.create(rows.size(), text, "\u202Eevil\u0000 \uD83D\uDE00"));
    }
    Dataset<Row> df = LocalSpark.get().createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("text", DataTypes.StringType).add("pair", DataTypes.StringType)).repartition(4);
    String model = Fixtures.model("text-classification-bert").toString();
    TextClassifier pairs = new TextClassifier().setModelPath(model).setTextPairCol("pair").setHandleInvalid("keep");
    List<Row> out = pairs.transform(df).collectAsList();
    TextClassifier alone = new TextClassifier().setModelPath(model).setHandleInvalid("keep");
    List<Row> single = alone.transform(df.where("pair IS NULL")).collectAsList();

    assertEquals(rows.size(), out.size());
    assertEquals(rows.size(), pairs.counters().rowsOut.value());
    assertEquals(0, pairs.counters().rowsFailed.value(), "every text here is valid, with or without its pair");
    for (Row r : out) assertNotNull(r.getAs("prediction"), "row " + r.getInt(0));
    // a NULL pair is no pair (as the HF pipeline's text_pair=None): the same scores as the text alone
    java.util.Map<Integer, Object> aloneById = new java.util.HashMap<>();
    for (Row r : single) aloneById.put(r.getInt(0), r.getAs("prediction"));
    for (Row r : out) {
      if (r.isNullAt(2)) assertEquals(aloneById.get(r.getInt(0)), r.getAs("prediction"), "row " + r.getInt(0));
    }
  }

  private void survives(String modality, List<HostileInput> corpus, Supplier<InferenceStage<?, ?, ?>> stage) {
    assertTrue(corpus.stream().filter(c -> c.expect() != Expect.VALID).count() >= 200,
        "at least 200 bad inputs per modality");
    Dataset<Row> input = frame(corpus);
    long before = PeakRss.currentMb();
    PeakRss.reset();
    long started = System.nanoTime();

    InferenceStage<?, ?, ?> keep = stage.get().setInputCol("input").setHandleInvalid("keep");
    List<Row> kept = keep.transform(input).select("id", "prediction", "error").collectAsList();
    InferenceStage<?, ?, ?> skip = stage.get().setInputCol("input").setHandleInvalid("skip");
    List<Row> survivors = skip.transform(input).select("id").collectAsList();

    long peak = PeakRss.peakMb();
    Set<Integer> bad = new TreeSet<>();
    List<String> wrong = new ArrayList<>();
    for (Row r : kept) {
      HostileInput c = corpus.get(r.getInt(0));
      boolean failed = !r.isNullAt(2);
      assertEquals(failed, r.isNullAt(1), c.name() + ": a prediction or an error, never both nor neither");
      if (failed) bad.add(r.getInt(0));
      if (c.expect() == Expect.VALID && failed) wrong.add(c.name() + " failed: " + r.getString(2));
      if (c.expect() == Expect.INVALID && !failed) wrong.add(c.name() + " passed");
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));

    int n = corpus.size();
    assertEquals(n, kept.size(), "keep writes every row");
    assertEquals(n, keep.counters().rowsIn.value());
    assertEquals(n, keep.counters().rowsOut.value());
    assertEquals(bad.size(), keep.counters().rowsFailed.value());
    assertEquals(0, keep.counters().rowsSkipped.value());

    Set<Integer> good = new TreeSet<>();
    for (Row r : survivors) good.add(r.getInt(0));
    assertEquals(n - bad.size(), survivors.size());
    assertTrue(java.util.Collections.disjoint(good, bad), "skip and keep agree on the bad rows");
    assertEquals(n, skip.counters().rowsIn.value());
    assertEquals(n - bad.size(), skip.counters().rowsOut.value());
    assertEquals(bad.size(), skip.counters().rowsSkipped.value());
    assertEquals(skip.counters().rowsIn.value(), skip.counters().rowsOut.value() + skip.counters().rowsSkipped.value());

    System.out.printf("hostile %s: %d rows, %d bad, keep + skip in %.1f s, peak VmRSS %d MB (VmRSS before %d MB)%n",
        modality, n, bad.size(), (System.nanoTime() - started) / 1e9, peak, before);
    assertTrue(peak - before < RSS_BUDGET_MB, "peak VmRSS " + peak + " MB, " + before + " MB before the run");
  }
}
