package io.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.ml.AudioClassifier;
import io.sparkformers.ml.ImageClassifier;
import io.sparkformers.ml.InferenceStage;
import io.sparkformers.ml.TextClassifier;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import io.sparkformers.testing.hostile.HostileAudio;
import io.sparkformers.testing.hostile.HostileImages;
import io.sparkformers.testing.hostile.HostileInput;
import io.sparkformers.testing.hostile.HostileInput.Expect;
import io.sparkformers.testing.hostile.HostileTexts;
import io.sparkformers.testing.hostile.PeakRss;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated hostile inputs (HostileInputsTest's) through the try_ functions: no query fails, a
 * row gives NULL exactly when the stage under handleInvalid=keep fails it, every other row the
 * stage's labels and scores, and failedRows counts the NULLs; the peak resident memory is printed and bounded.
 */
class HostileFunctionsTest {
  private static final long RSS_BUDGET_MB = 1536;
  private static Sparkformers functions;

  @BeforeAll
  static void register() {
    functions = Sparkformers.register(LocalSpark.get());
  }

  @Test
  void hostileTextsThroughTryHfClassify() {
    survives("try_hf_classify", HostileTexts.cases(),
        new TextClassifier().setModelPath(Fixtures.model("text-classification-bert").toString()));
  }

  @Test
  void hostileImagesThroughTryHfClassifyImage() {
    survives("try_hf_classify_image", HostileImages.cases(),
        new ImageClassifier().setModelPath(Fixtures.model("image-classification-vit").toString()));
  }

  @Test
  void hostileAudioThroughTryHfClassifyAudio() {
    survives("try_hf_classify_audio", HostileAudio.cases(),
        new AudioClassifier().setModelPath(Fixtures.model("audio-classification-wav2vec2").toString()));
  }

  private void survives(String function, List<HostileInput> corpus, InferenceStage<?, ?, ?> stage) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) rows.add(RowFactory.create(i, corpus.get(i).bytes()));
    Dataset<Row> input = LocalSpark.get().createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("input", DataTypes.BinaryType)).repartition(4);
    input.createOrReplaceTempView("hostile");
    long before = PeakRss.currentMb();
    PeakRss.reset();
    long failedBefore = functions.failedRows(function).value();

    Map<Integer, Object> tried = new HashMap<>();
    for (Row r : LocalSpark.get().sql("SELECT id, " + function + "('" + stage.getModelPath() + "', input) FROM hostile")
        .collectAsList()) {
      tried.put(r.getInt(0), r.get(1));
    }
    long failed = functions.failedRows(function).value() - failedBefore;
    long peak = PeakRss.peakMb();
    Map<Integer, Object> kept = new HashMap<>();
    for (Row r : stage.setInputCol("input").setHandleInvalid("keep").transform(input).select("id", "prediction")
        .collectAsList()) {
      kept.put(r.getInt(0), r.get(1));
    }

    assertEquals(corpus.size(), tried.size(), "one output per row");
    List<String> wrong = new ArrayList<>();
    long nulls = 0;
    for (int i = 0; i < corpus.size(); i++) {
      HostileInput c = corpus.get(i);
      Object value = tried.get(i);
      if (value == null) nulls++;
      if (c.expect() == Expect.VALID && value == null) wrong.add(c.name() + " gave NULL");
      if (c.expect() == Expect.INVALID && value != null) wrong.add(c.name() + " gave a value");
      if (!sameLabelScores(kept.get(i), value)) wrong.add(c.name() + ": " + value + " where the stage gives " + kept.get(i));
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertEquals(nulls, failed, "failedRows counts every NULL (no input here is NULL)");
    System.out.printf("hostile %s: %d rows, %d NULL, peak VmRSS %d MB (VmRSS before %d MB)%n",
        function, corpus.size(), nulls, peak, before);
    assertTrue(peak - before < RSS_BUDGET_MB, "peak VmRSS " + peak + " MB, " + before + " MB before the query");
  }

  /**
   * Both NULL, or the same labels in the same order with scores within 1e-5: the function batches
   * rows across tasks and the stage within one, so padded audio batches differ in float round-off.
   */
  private static boolean sameLabelScores(Object stage, Object function) {
    if (stage == null || function == null) return stage == function;
    List<Row> a = io.sparkformers.platform.ScalaCollections.javaList((scala.collection.Seq<Row>) stage);
    List<Row> b = io.sparkformers.platform.ScalaCollections.javaList((scala.collection.Seq<Row>) function);
    if (a.size() != b.size()) return false;
    for (int k = 0; k < a.size(); k++) {
      if (!a.get(k).getString(0).equals(b.get(k).getString(0))) return false;
      if (Math.abs(a.get(k).getFloat(1) - b.get(k).getFloat(1)) > 1e-5) return false;
    }
    return true;
  }
}
