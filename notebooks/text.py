# Databricks notebook source
# MAGIC %md
# MAGIC # Text tasks with sparkformers
# MAGIC
# MAGIC Scores a table of texts with four Hugging Face tasks, each a Spark ML stage that runs an ONNX model
# MAGIC on the executors: **sentiment** (text-classification), **named entities** (token-classification),
# MAGIC **sentence embeddings** (feature-extraction) and **extractive question answering**.
# MAGIC
# MAGIC * Model folders: the Hugging Face / Optimum ONNX layout (`config.json`, `tokenizer.json`, `model.onnx`
# MAGIC   or `onnx/model.onnx`) on DBFS, a Unity Catalog volume or any Hadoop URI (`s3a://`, `abfss://`).
# MAGIC * Input: a table with a string column `text` (a Delta table on Databricks).
# MAGIC * Output: the same rows, each with its predictions, written to a table.
# MAGIC * Cluster libraries: the sparkformers jar and the `sparkformers` Python package (see `notebooks/README.md`).
# MAGIC * Access mode: **dedicated** (single user): the wrappers reach the jar's stages through Py4J, which
# MAGIC   standard (shared) access mode and serverless do not allow; there, use the SQL functions
# MAGIC   (`hf_classify`, ...; README, "Install on Databricks").

# COMMAND ----------

import os


def setting(name, default):
    """A widget on Databricks; elsewhere the environment variable SPARKFORMERS_<NAME>, else the default."""
    try:
        dbutils.widgets.text(name, default)
        return dbutils.widgets.get(name)
    except NameError:  # no dbutils: not on Databricks
        return os.environ.get("SPARKFORMERS_" + name.upper(), default)


try:
    display
except NameError:  # not on Databricks
    def display(df):
        df.show(20, 60)


sentiment_model = setting("sentiment_model", "/dbfs/models/distilbert-base-uncased-finetuned-sst-2-english")
ner_model = setting("ner_model", "/dbfs/models/bert-base-NER")
embedding_model = setting("embedding_model", "/dbfs/models/all-MiniLM-L6-v2")
qa_model = setting("qa_model", "/dbfs/models/distilbert-base-cased-distilled-squad")
input_table = setting("input_table", "main.default.reviews")
output_table = setting("output_table", "main.default.reviews_scored")

# COMMAND ----------

texts = spark.read.table(input_table)
display(texts)

# COMMAND ----------

# MAGIC %md
# MAGIC Each stage takes the Hugging Face pipeline's arguments under their Spark names (`top_k` is `topK`,
# MAGIC `aggregation_strategy` is `aggregationStrategy`), with the same defaults. `handleInvalid="keep"`
# MAGIC keeps a row the model cannot take (an empty or null text, bytes that are not UTF-8): its prediction
# MAGIC is null and the reason is in the stage's error column, so one bad row never fails the job.

# COMMAND ----------

from pyspark.ml import Pipeline
from sparkformers.ml import FeatureExtractor, QuestionAnswerer, TextClassifier, TokenClassifier

sentiment = TextClassifier(
    modelPath=sentiment_model, inputCol="text", outputCol="sentiment",
    topK=2,                                      # top_k=2
    handleInvalid="keep", errorCol="sentiment_error")

entities = TokenClassifier(
    modelPath=ner_model, inputCol="text", outputCol="entities",
    aggregationStrategy="simple",                # aggregation_strategy="simple"
    handleInvalid="keep", errorCol="entities_error")

embedding = FeatureExtractor(
    modelPath=embedding_model, inputCol="text", outputCol="embedding",
    pooling="mean", normalize=True,              # sentence-transformers' mean pooling, L2-normalized
    handleInvalid="keep", errorCol="embedding_error")

scoring = Pipeline(stages=[sentiment, entities, embedding]).fit(texts)

# COMMAND ----------

# transform is lazy: the models run once, as the table is written
scoring.transform(texts).write.mode("overwrite").saveAsTable(output_table)

scored = spark.read.table(output_table)
display(scored)

# COMMAND ----------

# The rows a model could not take, and why
from pyspark.sql.functions import col

display(scored.where(col("sentiment_error").isNotNull() | col("entities_error").isNotNull()
                     | col("embedding_error").isNotNull())
        .select("text", "sentiment_error", "entities_error", "embedding_error"))

# COMMAND ----------

# MAGIC %md
# MAGIC Question answering reads two columns, the pipeline's `question` and `context`: here one question
# MAGIC asked of every text.

# COMMAND ----------

from pyspark.sql.functions import lit

answers = QuestionAnswerer(
    modelPath=qa_model, questionCol="question", contextCol="text", outputCol="answer",
    handleInvalid="keep",                        # error column: "error"
).transform(scored.select(col("text"), lit("Who is eating?").alias("question")))

display(answers.select("question", "text", "answer.answer", "answer.score", "error"))
