package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import onnx.Onnx;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage Params that had no test: dtype, textPairCol, maxAnswerLen and subtask=instance. The fixtures
 * have no goldens for them, so each is checked against an independent construction or an invariant,
 * as its test says.
 */
class StageParamsTest {
  private static final Path BERT = Fixtures.model("text-classification-bert");

  private static List<Row> byId(Dataset<Row> out) {
    List<Row> rows = new ArrayList<>(out.collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  private static Dataset<Row> texts(String... texts) {
    List<Row> rows = new ArrayList<>();
    for (String t : texts) rows.add(RowFactory.create(rows.size(), t, "It was the worst film of the year."));
    return LocalSpark.get().createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("text", DataTypes.StringType).add("pair", DataTypes.StringType));
  }

  /** label -> score of a row's array<struct<label,score>>. */
  private static Map<String, Float> scores(Row row, int col) {
    Map<String, Float> out = new java.util.HashMap<>();
    for (Row s : row.<Row>getList(col)) out.put(s.getString(0), s.getFloat(1));
    return out;
  }

  /**
   * dtype picks the graph variant: the folder holds model.onnx and a model_quantized.onnx that
   * negates the logits, so with dtype=q8 every score is softmax(-logits), which follows from the
   * fp32 scores p as (1/p) / sum(1/p).
   */
  @Test
  void dtypePicksTheVariantGraph(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("model/onnx")).getParent();
    for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
      Files.copy(BERT.resolve(f), folder.resolve(f));
    }
    Files.copy(BERT.resolve("onnx/model.onnx"), folder.resolve("onnx/model.onnx"));
    Onnx.ModelProto.Builder negated = Onnx.ModelProto.parseFrom(Files.readAllBytes(BERT.resolve("onnx/model.onnx"))).toBuilder();
    Onnx.GraphProto.Builder graph = negated.getGraphBuilder();
    for (Onnx.NodeProto.Builder node : graph.getNodeBuilderList()) {
      for (int i = 0; i < node.getOutputCount(); i++) if (node.getOutput(i).equals("logits")) node.setOutput(i, "raw_logits");
    }
    graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Neg").setName("negate").addInput("raw_logits").addOutput("logits"));
    Files.write(folder.resolve("onnx/model_quantized.onnx"), negated.build().toByteArray());

    Dataset<Row> input = texts("I love this movie, it was great!", "Terrible.", "It rained on Monday.");
    List<Row> fp32 = byId(new TextClassifier().setModelPath(folder.toString()).setTopK(NullableIntParam.NONE)
        .transform(input));
    List<Row> q8 = byId(new TextClassifier().setModelPath(folder.toString()).setTopK(NullableIntParam.NONE)
        .setDtype("q8").transform(input));
    for (int i = 0; i < fp32.size(); i++) {
      Map<String, Float> p = scores(fp32.get(i), 3);
      Map<String, Float> q = scores(q8.get(i), 3);
      double z = p.values().stream().mapToDouble(v -> 1 / v).sum();
      for (String label : p.keySet()) assertEquals(1 / p.get(label) / z, q.get(label), 1e-5, label);
      assertNotEquals(fp32.get(i).<Row>getList(3).get(0).getString(0), q8.get(i).<Row>getList(3).get(0).getString(0),
          "the best label of the negated graph is another one");
    }
  }

  /**
   * textPairCol: the stage's scores equal the graph run on BERT's pair layout built here by hand
   * from each text's own encoding ([CLS] a [SEP] b [SEP], token types 0 then 1), and differ from the
   * first text alone.
   */
  @Test
  void textPairColFeedsBothTextsAsOneSequencePair() throws Exception {
    String a = "I love this movie, it was great!";
    String b = "It was the worst film of the year.";
    Dataset<Row> input = texts(a);
    Row paired = new TextClassifier().setModelPath(BERT.toString()).setTextPairCol("pair")
        .setTopK(NullableIntParam.NONE).transform(input).collectAsList().get(0);
    Row alone = new TextClassifier().setModelPath(BERT.toString()).setTopK(NullableIntParam.NONE)
        .transform(input).collectAsList().get(0);

    long[] first;
    long[] second;
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(BERT.resolve("tokenizer.json"))) {
      first = tokenizer.encode(a).getIds();
      second = tokenizer.encode(b).getIds();
    }
    int n = first.length + second.length - 1; // the second's [CLS] goes
    long[] ids = new long[n];
    long[] types = new long[n];
    long[] mask = new long[n];
    System.arraycopy(first, 0, ids, 0, first.length);
    System.arraycopy(second, 1, ids, first.length, second.length - 1);
    for (int i = 0; i < n; i++) {
      types[i] = i < first.length ? 0 : 1;
      mask[i] = 1;
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] logits;
    try (OrtSession session = env.createSession(BERT.resolve("onnx/model.onnx").toString(), new OrtSession.SessionOptions());
        OnnxTensor idsT = OnnxTensor.createTensor(env, new long[][] {ids});
        OnnxTensor maskT = OnnxTensor.createTensor(env, new long[][] {mask});
        OnnxTensor typesT = OnnxTensor.createTensor(env, new long[][] {types});
        OrtSession.Result out = session.run(Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT))) {
      logits = ((float[][]) out.get(0).getValue())[0];
    }
    JsonNode id2label = Fixtures.golden("text-classification-bert", "config.json").get("id2label");
    double z = 0;
    for (float l : logits) z += Math.exp(l);
    Map<String, Float> stage = scores(paired, 3);
    for (int k = 0; k < logits.length; k++) {
      assertEquals(Math.exp(logits[k]) / z, stage.get(id2label.get(String.valueOf(k)).asText()), 1e-5);
    }
    assertNotEquals(scores(alone, 3), stage, "the pair changes the scores");
  }

  /** maxAnswerLen bounds the answer span in tokens: 1 gives one-token answers scoring no higher than the default's. */
  @Test
  void maxAnswerLenBoundsTheAnswerSpan() {
    JsonNode cases = Fixtures.golden("question-answering-bert", "golden_fast.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(RowFactory.create(rows.size(), c.get("question").asText(), c.get("context").asText()));
    Dataset<Row> input = LocalSpark.get().createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("question", DataTypes.StringType).add("context", DataTypes.StringType));
    String model = Fixtures.model("question-answering-bert").toString();
    List<Row> free = byId(new QuestionAnswerer().setModelPath(model).transform(input));
    List<Row> short1 = byId(new QuestionAnswerer().setModelPath(model).setMaxAnswerLen(1).transform(input));
    boolean someDiffer = false;
    for (int i = 0; i < rows.size(); i++) {
      JsonNode golden = cases.get(i).get("pipeline_top1");
      Row best = free.get(i).getStruct(3);
      assertEquals(golden.get("answer").asText(), best.getAs("answer"), "the default (15) is the pipeline's");
      Row one = short1.get(i).getStruct(3);
      String answer = one.getAs("answer");
      assertFalse(answer.strip().contains(" "), "one token: '" + answer + "'");
      assertTrue((float) one.getAs("score") <= (float) best.getAs("score") + 1e-6f);
      someDiffer |= !answer.equals(best.getAs("answer"));
    }
    assertTrue(someDiffer, "a longer golden answer is cut to one token");
  }

  /**
   * subtask=instance on Mask2Former (no golden: transformers' instance output for the fixture was not
   * recorded): every segment has a known label, a score in [0, 1], and a binary mask of the image's
   * size; masks are disjoint, as post_process_instance_segmentation paints one segmentation map
   * (a later instance may paint over all of an earlier one, so a mask may be empty).
   */
  @Test
  void instanceSegmentationGivesDisjointLabelledMasks() throws Exception {
    String model = Fixtures.model("image-segmentation-mask2former").toString();
    Dataset<Row> images = LocalSpark.get().read().format("binaryFile")
        .load(Fixtures.model("inputs/images").toString()).select("path", "content");
    List<Row> out = new ImageSegmenter().setModelPath(model).setInputCol("content").setSubtask("instance")
        .setThreshold(0.0).setMaskThreshold(0.3).transform(images).collectAsList();
    JsonNode id2label = Fixtures.golden("image-segmentation-mask2former", "config.json").get("id2label");
    java.util.Set<String> labels = new java.util.HashSet<>();
    id2label.elements().forEachRemaining(l -> labels.add(l.asText()));
    int segments = 0;
    long painted = 0;
    for (Row r : out) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.<byte[]>getAs("content")));
      boolean[] taken = new boolean[image.getWidth() * image.getHeight()];
      for (Row s : r.<Row>getList(2)) {
        segments++;
        assertTrue(labels.contains(s.<String>getAs("label")), s.<String>getAs("label"));
        float score = s.getAs("score");
        assertTrue(score >= 0 && score <= 1, "score " + score);
        BufferedImage mask = ImageIO.read(new ByteArrayInputStream(s.<byte[]>getAs("mask")));
        assertEquals(image.getWidth(), mask.getWidth());
        assertEquals(image.getHeight(), mask.getHeight());
        int pixels = 0;
        for (int y = 0; y < mask.getHeight(); y++) {
          for (int x = 0; x < mask.getWidth(); x++) {
            int v = mask.getRaster().getSample(x, y, 0);
            assertTrue(v == 0 || v == 255, "binary mask");
            if (v == 255) {
              assertFalse(taken[y * mask.getWidth() + x], "masks overlap at " + x + "," + y);
              taken[y * mask.getWidth() + x] = true;
              pixels++;
            }
          }
        }
        painted += pixels;
      }
    }
    assertTrue(segments > 0 && painted > 0, "the fixture yields segments at threshold 0");
  }
}
