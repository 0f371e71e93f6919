# Databricks notebook source
# MAGIC %md
# MAGIC # Audio tasks with sparkformers
# MAGIC
# MAGIC Reads a folder of audio clips with Spark's `binaryFile` source and runs two Hugging Face tasks on
# MAGIC them, each a Spark ML stage that runs an ONNX model on the executors: **audio classification** and
# MAGIC **speech recognition** (CTC models of the wav2vec2 family).
# MAGIC
# MAGIC * Model folders: the Hugging Face / Optimum ONNX layout (`config.json`, `preprocessor_config.json`,
# MAGIC   `vocab.json` for speech recognition, `model.onnx` or `onnx/model.onnx`) on DBFS, a Unity Catalog
# MAGIC   volume or any Hadoop URI.
# MAGIC * Input: WAV, FLAC, MP3 or Ogg Vorbis files, decoded and resampled to the model's rate on the executors.
# MAGIC * Output: one row per file with its predictions, written to a table.
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


classification_model = setting("classification_model", "/dbfs/models/wav2vec2-base-superb-ks")
speech_model = setting("speech_model", "/dbfs/models/wav2vec2-base-960h")
audio_dir = setting("audio_dir", "/dbfs/data/audio")
output_table = setting("output_table", "main.default.audio_scored")

# COMMAND ----------

# one row per file: path, modificationTime, length and the encoded bytes in `content`
clips = (spark.read.format("binaryFile")
         .option("pathGlobFilter", "*.{wav,flac,mp3,ogg}")
         .option("recursiveFileLookup", "true")
         .load(audio_dir))

display(clips.select("path", "length"))

# COMMAND ----------

# MAGIC %md
# MAGIC Each stage takes the Hugging Face pipeline's arguments under their Spark names (`chunk_length_s` is
# MAGIC `chunkLengthS`, `return_timestamps` is `returnTimestamps`), with the same defaults. A clip that does
# MAGIC not decode is one bad row: with `handleInvalid="keep"` its predictions are null and the reason is in
# MAGIC the error column.

# COMMAND ----------

from pyspark.ml import Pipeline
from sparkformers.ml import AudioClassifier, SpeechRecognizer

labels = AudioClassifier(
    modelPath=classification_model, inputCol="content", outputCol="labels",
    topK=3,                                      # top_k=3
    handleInvalid="keep", errorCol="labels_error")

transcription = SpeechRecognizer(
    modelPath=speech_model, inputCol="content", outputCol="transcription",
    chunkLengthS=10.0, strideLengthS=[2.0],      # chunk_length_s=10, stride_length_s=2: long clips in 10 s windows
    returnTimestamps="word",                     # return_timestamps="word"
    maxAudioSeconds=3600.0,                      # longer clips are bad rows
    handleInvalid="keep", errorCol="transcription_error")

scoring = Pipeline(stages=[labels, transcription]).fit(clips)

# COMMAND ----------

# transform is lazy: the models run once, as the table is written; the audio bytes stay in the files
scoring.transform(clips).drop("content").write.mode("overwrite").saveAsTable(output_table)

scored = spark.read.table(output_table)
display(scored.select("path", "labels", "transcription.text", "transcription.chunks"))

# COMMAND ----------

# The files a model could not read, and why
from pyspark.sql.functions import col

display(scored.where(col("labels_error").isNotNull() | col("transcription_error").isNotNull())
        .select("path", "labels_error", "transcription_error"))
