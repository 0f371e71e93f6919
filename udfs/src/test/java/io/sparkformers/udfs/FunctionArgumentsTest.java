package io.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.testing.Fixtures;
import io.sparkformers.testing.LocalSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Mistakes in a query's use of a function fail it when Spark analyzes it, before any task, saying what is wrong. */
class FunctionArgumentsTest {
  private static final String CLASSIFIER = Fixtures.model("text-classification-bert").toString();
  private final SparkSession spark = LocalSpark.get();

  @BeforeAll
  static void register() {
    Sparkformers.register(LocalSpark.get());
  }

  /** The message of the error that analyzing {@code query} raises. */
  private String rejection(String query) {
    Exception e = assertThrows(Exception.class, () -> spark.sql(query).schema());
    return e.getMessage();
  }

  @Test
  void theOutputTypeFollowsTheOptionsAsTheStagesDoes() {
    String tokens = spark.sql("SELECT hf_embed('" + Fixtures.miniLm() + "', 'a text', map('pooling', 'none')) AS v")
        .schema().apply("v").dataType().simpleString();
    assertEquals("array<array<float>>", tokens);
    String answers = spark.sql("SELECT hf_answer('" + Fixtures.model("question-answering-bert") + "', 'who?', 'me',"
        + " map('top_k', '3')) AS a").schema().apply("a").dataType().simpleString();
    assertEquals("array<struct<score:float,start:int,end:int,answer:string>>", answers);
  }

  @Test
  void anUnknownOptionListsTheValidOnes() {
    String message = rejection("SELECT hf_classify('" + CLASSIFIER + "', 'a text', map('topk', '3'))");
    assertTrue(message.contains("hf_classify: unknown option 'topk'") && message.contains("top_k"), message);
  }

  @Test
  void aBadOptionValueSaysWhatTheOptionTakes() {
    String message = rejection("SELECT hf_classify('" + CLASSIFIER + "', 'a text', map('function_to_apply', 'tanh'))");
    assertTrue(message.contains("option function_to_apply: invalid value 'tanh'"), message);
  }

  @Test
  void optionsThatNameColumnsBelongToTheStage() {
    String message = rejection("SELECT try_hf_classify('" + CLASSIFIER + "', 'a text', map('input_col', 'x'))");
    assertTrue(message.contains("option 'input_col' is the Spark stage's"), message);
  }

  @Test
  void optionsAreAConstantMap() {
    String message = rejection("SELECT hf_classify('" + CLASSIFIER + "', 'a text', map('top_k', string(id)))"
        + " FROM range(2)");
    assertTrue(message.contains("options must be a constant map"), message);
  }

  @Test
  void aWrongArgumentCountShowsTheSignatures() {
    String message = rejection("SELECT hf_answer('" + CLASSIFIER + "', 'who?')");
    assertTrue(message.contains("hf_answer takes (model, question, context) or (model, question, context, options)"),
        message);
  }

  @Test
  void anInputOfTheWrongTypeIsNamedWithTheTypesItTakes() {
    String message = rejection("SELECT hf_classify('" + CLASSIFIER + "', id) FROM range(2)");
    assertTrue(message.contains("'text' must be string or binary") && message.contains("bigint"), message);
  }

  @Test
  void aNullModelIsNamedAsSuch() {
    String message = rejection("SELECT hf_classify(CAST(NULL AS STRING), 'a text')");
    assertTrue(message.contains("hf_classify: the model is NULL"), message);
  }

  @Test
  void theBatcherSettingsAreReadFromTheSessionConf() {
    spark.conf().set(Sparkformers.MAX_WAIT_MS, "soon");
    try {
      String message = rejection("SELECT hf_classify('" + CLASSIFIER + "', 'a text')");
      assertTrue(message.contains("spark.sparkformers.udf.maxWaitMs must be a whole number, got 'soon'"), message);
    } finally {
      spark.conf().unset(Sparkformers.MAX_WAIT_MS);
    }
  }

  @Test
  void aMissingModelFolderFailsBeforeAnyTask() {
    String message = rejection("SELECT hf_classify('/no/such/model', 'a text')");
    assertTrue(message.contains("hf_classify: model /no/such/model"), message);
  }
}
