// Databricks notebook source
// MAGIC %md
// MAGIC # Text tasks with sparkformers
// MAGIC
// MAGIC Scores a table of texts with four Hugging Face tasks, each a Spark ML stage that runs an ONNX model
// MAGIC on the executors: **sentiment** (text-classification), **named entities** (token-classification),
// MAGIC **sentence embeddings** (feature-extraction) and **extractive question answering**.
// MAGIC
// MAGIC * Model folders: the Hugging Face / Optimum ONNX layout (`config.json`, `tokenizer.json`, `model.onnx`
// MAGIC   or `onnx/model.onnx`) on DBFS, a Unity Catalog volume or any Hadoop URI (`s3a://`, `abfss://`).
// MAGIC * Input: a table with a string column `text` (a Delta table on Databricks).
// MAGIC * Output: the same rows, each with its predictions, written to a table.
// MAGIC * Cluster library: the sparkformers jar (see `notebooks/README.md`).
// MAGIC * Access mode: **dedicated** (single user): the cells build Spark ML stages from the cluster library's
// MAGIC   classes, which standard (shared) access mode and serverless do not allow; there, use the SQL
// MAGIC   functions (`hf_classify`, ...; README, "Install on Databricks").

// COMMAND ----------

// Settings: edit the defaults on Databricks; elsewhere (spark-shell, the test suite) pass
// -Dsparkformers.<name>=... or set SPARKFORMERS_<NAME>.
def setting(name: String, default: String): String =
  sys.props.get(s"sparkformers.$name")
    .orElse(sys.env.get(s"SPARKFORMERS_${name.toUpperCase}"))
    .getOrElse(default)

val sentimentModel = setting("sentiment_model", "/dbfs/models/distilbert-base-uncased-finetuned-sst-2-english")
val nerModel = setting("ner_model", "/dbfs/models/bert-base-NER")
val embeddingModel = setting("embedding_model", "/dbfs/models/all-MiniLM-L6-v2")
val qaModel = setting("qa_model", "/dbfs/models/distilbert-base-cased-distilled-squad")
val inputTable = setting("input_table", "main.default.reviews")
val outputTable = setting("output_table", "main.default.reviews_scored")

// COMMAND ----------

val texts = spark.read.table(inputTable)
display(texts)

// COMMAND ----------

// MAGIC %md
// MAGIC Each stage takes the Hugging Face pipeline's arguments under their Spark names (`top_k` is `topK`,
// MAGIC `aggregation_strategy` is `aggregationStrategy`), with the same defaults. `handleInvalid = "keep"`
// MAGIC keeps a row the model cannot take (an empty or null text, bytes that are not UTF-8): its prediction
// MAGIC is null and the reason is in the stage's error column, so one bad row never fails the job.

// COMMAND ----------

import io.sparkformers.ml.{FeatureExtractor, QuestionAnswerer, TextClassifier, TokenClassifier}
import org.apache.spark.ml.{Pipeline, PipelineStage}

val sentiment = new TextClassifier()
  .setModelPath(sentimentModel).setInputCol("text").setOutputCol("sentiment")
  .setTopK(2)                                  // top_k=2
  .setHandleInvalid("keep").setErrorCol("sentiment_error")

val entities = new TokenClassifier()
  .setModelPath(nerModel).setInputCol("text").setOutputCol("entities")
  .setAggregationStrategy("simple")            // aggregation_strategy="simple"
  .setHandleInvalid("keep").setErrorCol("entities_error")

val embedding = new FeatureExtractor()
  .setModelPath(embeddingModel).setInputCol("text").setOutputCol("embedding")
  .setPooling("mean").setNormalize(true)       // sentence-transformers' mean pooling, L2-normalized
  .setHandleInvalid("keep").setErrorCol("embedding_error")

val scoring = new Pipeline().setStages(Array[PipelineStage](sentiment, entities, embedding)).fit(texts)

// COMMAND ----------

// transform is lazy: the models run once, as the table is written
scoring.transform(texts).write.mode("overwrite").saveAsTable(outputTable)

val scored = spark.read.table(outputTable)
display(scored)

// COMMAND ----------

// The rows a model could not take, and why
import org.apache.spark.sql.functions.col

display(scored.where(col("sentiment_error").isNotNull || col("entities_error").isNotNull || col("embedding_error").isNotNull)
  .select("text", "sentiment_error", "entities_error", "embedding_error"))

// COMMAND ----------

// MAGIC %md
// MAGIC Question answering reads two columns, the pipeline's `question` and `context`: here one question
// MAGIC asked of every text.

// COMMAND ----------

import org.apache.spark.sql.functions.lit

val answers = new QuestionAnswerer()
  .setModelPath(qaModel).setQuestionCol("question").setContextCol("text").setOutputCol("answer")
  .setHandleInvalid("keep")                    // error column: "error"
  .transform(scored.select(col("text"), lit("Who is eating?").as("question")))

display(answers.select("question", "text", "answer.answer", "answer.score", "error"))
