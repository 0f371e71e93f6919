package io.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.ml.FeatureExtractor;
import io.sparkformers.ml.NullableIntParam;
import io.sparkformers.ml.QuestionAnswerer;
import io.sparkformers.ml.Summarizer;
import io.sparkformers.ml.TextClassifier;
import io.sparkformers.ml.TextGenerator;
import io.sparkformers.ml.TokenClassifier;
import io.sparkformers.ml.Translator;
import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import io.sparkformers.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The text functions give, value for value and type for type, what the stage of their task gives. */
class TextFunctionsTest {
  private static final String CLASSIFIER = Fixtures.model("text-classification-bert").toString();
  private static final JsonNode GOLDEN = Fixtures.golden("text-classification-bert", "golden.json");
  private final SparkSession spark = LocalSpark.get();

  @BeforeAll
  static void register() {
    Sparkformers.register(LocalSpark.get());
  }

  /** (id, text) with the golden texts, as the view {@code texts}. */
  private Dataset<Row> goldenTexts() {
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("cases")) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    Dataset<Row> df = spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)).repartition(2);
    df.createOrReplaceTempView("texts");
    return df;
  }

  /** Rows by id, collected once (no ORDER BY, whose sampling pass would run the model twice). */
  private static List<Row> byId(Dataset<Row> out) {
    List<Row> rows = new ArrayList<>(out.collectAsList());
    rows.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }

  @Test
  void hfClassifyIsTheTextClassifierStageAndTransformersPipeline() {
    Dataset<Row> texts = goldenTexts();
    Dataset<Row> sql = spark.sql("SELECT id, hf_classify('" + CLASSIFIER + "', text) AS labels FROM texts");
    Dataset<Row> stage = new TextClassifier().setModelPath(CLASSIFIER).setOutputCol("labels").transform(texts)
        .select("id", "labels");

    assertEquals(stage.schema().apply("labels").dataType(), sql.schema().apply("labels").dataType());
    List<Row> fromSql = byId(sql);
    assertEquals(byId(stage), fromSql);
    JsonNode top1 = GOLDEN.get("pipeline").get("default(top1)");
    for (int i = 0; i < fromSql.size(); i++) {
      Row best = fromSql.get(i).<Row>getList(1).get(0);
      assertEquals(top1.get(i).get("label").asText(), best.getString(0));
      assertEquals(top1.get(i).get("score").floatValue(), best.getFloat(1), 1e-4);
    }
  }

  @Test
  void optionsTakeTheJobsHuggingFaceNames() {
    goldenTexts();
    List<Row> out = byId(spark.sql("SELECT id, hf_classify('" + CLASSIFIER + "', text, map('top_k', 'null')) FROM texts"));
    JsonNode all = GOLDEN.get("pipeline").get("top_k=None");
    for (int i = 0; i < out.size(); i++) {
      List<Row> labels = out.get(i).getList(1);
      assertEquals(all.get(i).size(), labels.size());
      for (int k = 0; k < labels.size(); k++) {
        assertEquals(all.get(i).get(k).get("label").asText(), labels.get(k).getString(0));
        assertEquals(all.get(i).get(k).get("score").floatValue(), labels.get(k).getFloat(1), 1e-4);
      }
    }
    Dataset<Row> stage = new TextClassifier().setModelPath(CLASSIFIER).setTopK(NullableIntParam.NONE)
        .setOutputCol("labels").transform(goldenTexts()).select("id", "labels");
    assertEquals(byId(stage), out);
  }

  @Test
  void hfAnswerTakesAQuestionAndAContextAsTheQuestionAnswererStage() {
    String model = Fixtures.model("question-answering-bert").toString();
    JsonNode cases = Fixtures.golden("question-answering-bert", "golden_fast.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(RowFactory.create(rows.size(), c.get("question").asText(), c.get("context").asText()));
    Dataset<Row> questions = spark.createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
        .add("question", DataTypes.StringType).add("context", DataTypes.StringType)).repartition(2);
    questions.createOrReplaceTempView("questions");
    Dataset<Row> sql = spark.sql("SELECT id, hf_answer('" + model + "', question, context) AS answer FROM questions");
    Dataset<Row> stage = new QuestionAnswerer().setModelPath(model).setOutputCol("answer").transform(questions)
        .select("id", "answer");

    assertEquals(stage.schema(), sql.schema());
    List<Row> fromSql = byId(sql);
    assertEquals(byId(stage), fromSql);
    for (int i = 0; i < fromSql.size(); i++) {
      JsonNode expected = cases.get(i).get("pipeline_top1");
      Row answer = fromSql.get(i).getStruct(1);
      assertEquals(expected.get("answer").asText(), answer.getAs("answer"));
      assertEquals(expected.get("start").asInt(), (int) answer.getAs("start"));
      assertEquals(expected.get("score").floatValue(), (float) answer.getAs("score"), 1e-4);
    }
  }

  @Test
  void hfTranslateIsTheTranslatorStageAndTransformersPipeline() {
    String model = Fixtures.model("translation-t5").toString();
    JsonNode cases = Fixtures.golden("translation-t5", "golden.json").get("cases");
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : cases) rows.add(RowFactory.create(rows.size(), c.get("text").asText()));
    Dataset<Row> english = spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)).repartition(2);
    english.createOrReplaceTempView("english");
    Dataset<Row> sql = spark.sql("SELECT id, hf_translate('" + model + "', text,"
        + " map('src_lang', 'en', 'tgt_lang', 'de', 'max_new_tokens', '8')) AS german FROM english");
    Dataset<Row> stage = new Translator().setModelPath(model).setSrcLang("en").setTgtLang("de").setMaxNewTokens(8)
        .setOutputCol("german").transform(english).select("id", "german");

    assertEquals(stage.schema(), sql.schema());
    List<Row> fromSql = byId(sql);
    assertEquals(byId(stage), fromSql);
    for (int i = 0; i < fromSql.size(); i++) {
      assertEquals(cases.get(i).get("pipeline").get(0).get("translation_text").asText(),
          fromSql.get(i).getStruct(1).getString(0));
    }
  }

  @Test
  void hfEmbedIsTheMeanPooledFeatureExtractor() {
    String miniLm = Fixtures.miniLm().toString();
    List<Row> rows = List.of(RowFactory.create(0, "This is an example sentence"),
        RowFactory.create(1, "Each sentence is converted"), RowFactory.create(2, "Hello"));
    Dataset<Row> sentences = spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType));
    sentences.createOrReplaceTempView("sentences");
    Dataset<Row> sql = spark.sql("SELECT id, hf_embed('" + miniLm + "', text, map('normalize', 'true')) AS embedding"
        + " FROM sentences");
    Dataset<Row> stage = new FeatureExtractor().setModelPath(miniLm).setPooling("mean").setNormalize(true)
        .setOutputCol("embedding").transform(sentences).select("id", "embedding");

    assertEquals("array<float>", sql.schema().apply("embedding").dataType().simpleString());
    List<Row> fromSql = byId(sql);
    assertEquals(byId(stage), fromSql);
    // whole vectors: transformers.js on the same sentences (RealEmbeddingModelsTest says how they were made)
    JsonNode reference = Fixtures.json("reference/tfjs/all-MiniLM-L6-v2.json");
    for (int i = 0; i < 2; i++) {
      assertEquals(rows.get(i).getString(1), reference.get("sentences").get(i).asText());
      List<Float> vector = fromSql.get(i).getList(1);
      assertEquals(reference.get("vectors").get(i).size(), vector.size());
      for (int d = 0; d < vector.size(); d++) {
        assertEquals(reference.get("vectors").get(i).get(d).floatValue(), vector.get(d), 1e-4f, "sentence " + i + " dim " + d);
      }
    }
  }

  @Test
  void hfEmbedGivesThePythonReferencesSentenceVectors() {
    String model = "feature-extraction-bert";
    String folder = Fixtures.model(model).toString();
    JsonNode cases = Fixtures.golden(model, "golden.json").get("cases");
    inputs(model, "golden.json", "text");
    List<Row> out = byId(spark.sql("SELECT id, hf_embed('" + folder + "', text) AS mean, hf_embed('" + folder
        + "', text, map('pooling', 'cls', 'normalize', 'true')) AS cls FROM inputs"));
    assertEquals(cases.size(), out.size());
    for (int i = 0; i < cases.size(); i++) {
      JsonNode golden = cases.get(i).get("vectors");
      String text = cases.get(i).get("text").asText();
      Vectors.assertMatchesGolden(golden.get("mean"), Vectors.floats(out.get(i).getList(1)), "mean of '" + text + "'");
      Vectors.assertMatchesGolden(golden.get("cls,normalize"), Vectors.floats(out.get(i).getList(2)),
          "normalized CLS of '" + text + "'");
    }
  }

  /** (id, text) of a fixture's golden cases under {@code field}, as the view {@code inputs}. */
  private Dataset<Row> inputs(String model, String golden, String field) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode c : Fixtures.golden(model, golden).get("cases")) rows.add(RowFactory.create(rows.size(), c.get(field).asText()));
    Dataset<Row> df = spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)).repartition(2);
    df.createOrReplaceTempView("inputs");
    return df;
  }

  @Test
  void hfNerIsTheTokenClassifierStage() {
    String model = Fixtures.model("token-classification-bert").toString();
    Dataset<Row> texts = inputs("token-classification-bert", "golden_fast.json", "text");
    Dataset<Row> sql = spark.sql("SELECT id, hf_ner('" + model + "', text, map('aggregation_strategy', 'simple'))"
        + " AS entities FROM inputs");
    Dataset<Row> stage = new TokenClassifier().setModelPath(model).setAggregationStrategy("simple")
        .setOutputCol("entities").transform(texts).select("id", "entities");

    assertEquals(stage.schema(), sql.schema());
    List<Row> fromSql = byId(sql);
    assertEquals(byId(stage), fromSql);
    assertEquals(texts.count(), fromSql.size());
  }

  @Test
  void hfGenerateIsTheTextGeneratorStage() {
    String model = Fixtures.model("text-generation-gpt2").toString();
    Dataset<Row> prompts = inputs("text-generation-gpt2", "golden.json", "prompt");
    Dataset<Row> sql = spark.sql("SELECT id, hf_generate('" + model + "', text, map('max_new_tokens', '8'))"
        + " AS generation FROM inputs");
    Dataset<Row> stage = new TextGenerator().setModelPath(model).setMaxNewTokens(8)
        .setOutputCol("generation").transform(prompts).select("id", "generation");

    assertEquals(stage.schema(), sql.schema());
    List<Row> fromSql = byId(sql);
    assertEquals(byId(stage), fromSql);
    JsonNode cases = Fixtures.golden("text-generation-gpt2", "golden.json").get("cases");
    assertEquals(cases.get(0).get("pipeline").get(0).get("generated_text").asText(), fromSql.get(0).getStruct(1).getString(0));
  }

  @Test
  void hfSummarizeIsTheSummarizerStage() {
    String model = Fixtures.model("summarization-bart").toString();
    Dataset<Row> texts = inputs("summarization-bart", "golden.json", "text");
    // the goldens' pipeline call: max_new_tokens 8, greedy, min_length 0, truncation
    Dataset<Row> sql = spark.sql("SELECT id, hf_summarize('" + model + "', text, map('max_new_tokens', '8',"
        + " 'min_length', '0', 'truncation', 'true')) AS summary FROM inputs");
    Dataset<Row> stage = new Summarizer().setModelPath(model).setMaxNewTokens(8).setMinLength(0).setTruncation(true)
        .setOutputCol("summary").transform(texts).select("id", "summary");

    assertEquals(stage.schema(), sql.schema());
    List<Row> fromSql = byId(sql);
    assertEquals(byId(stage), fromSql);
    JsonNode cases = Fixtures.golden("summarization-bart", "golden.json").get("cases");
    for (int i = 0; i < fromSql.size(); i++) {
      assertEquals(cases.get(i).get("pipeline").get(0).get("summary_text").asText(), fromSql.get(i).getStruct(1).getString(0));
    }
  }
}
