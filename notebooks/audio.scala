// Databricks notebook source
// MAGIC %md
// MAGIC # Audio tasks with sparkformers
// MAGIC
// MAGIC Reads a folder of audio clips with Spark's `binaryFile` source and runs two Hugging Face tasks on
// MAGIC them, each a Spark ML stage that runs an ONNX model on the executors: **audio classification** and
// MAGIC **speech recognition** (CTC models of the wav2vec2 family).
// MAGIC
// MAGIC * Model folders: the Hugging Face / Optimum ONNX layout (`config.json`, `preprocessor_config.json`,
// MAGIC   `vocab.json` for speech recognition, `model.onnx` or `onnx/model.onnx`) on DBFS, a Unity Catalog
// MAGIC   volume or any Hadoop URI.
// MAGIC * Input: WAV, FLAC, MP3 or Ogg Vorbis files, decoded and resampled to the model's rate on the executors.
// MAGIC * Output: one row per file with its predictions, written to a table.
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

val classificationModel = setting("classification_model", "/dbfs/models/wav2vec2-base-superb-ks")
val speechModel = setting("speech_model", "/dbfs/models/wav2vec2-base-960h")
val audioDir = setting("audio_dir", "/dbfs/data/audio")
val outputTable = setting("output_table", "main.default.audio_scored")

// COMMAND ----------

// one row per file: path, modificationTime, length and the encoded bytes in `content`
val clips = spark.read.format("binaryFile")
  .option("pathGlobFilter", "*.{wav,flac,mp3,ogg}")
  .option("recursiveFileLookup", "true")
  .load(audioDir)

display(clips.select("path", "length"))

// COMMAND ----------

// MAGIC %md
// MAGIC Each stage takes the Hugging Face pipeline's arguments under their Spark names (`chunk_length_s` is
// MAGIC `chunkLengthS`, `return_timestamps` is `returnTimestamps`), with the same defaults. A clip that does
// MAGIC not decode is one bad row: with `handleInvalid = "keep"` its predictions are null and the reason is in
// MAGIC the error column.

// COMMAND ----------

import io.sparkformers.ml.{AudioClassifier, SpeechRecognizer}
import org.apache.spark.ml.{Pipeline, PipelineStage}

val labels = new AudioClassifier()
  .setModelPath(classificationModel).setInputCol("content").setOutputCol("labels")
  .setTopK(3)                                  // top_k=3
  .setHandleInvalid("keep").setErrorCol("labels_error")

val transcription = new SpeechRecognizer()
  .setModelPath(speechModel).setInputCol("content").setOutputCol("transcription")
  .setChunkLengthS(10).setStrideLengthS(2)     // chunk_length_s=10, stride_length_s=2: long clips in 10 s windows
  .setReturnTimestamps("word")                 // return_timestamps="word"
  .setMaxAudioSeconds(3600)                    // longer clips are bad rows
  .setHandleInvalid("keep").setErrorCol("transcription_error")

val scoring = new Pipeline().setStages(Array[PipelineStage](labels, transcription)).fit(clips)

// COMMAND ----------

// transform is lazy: the models run once, as the table is written; the audio bytes stay in the files
scoring.transform(clips).drop("content").write.mode("overwrite").saveAsTable(outputTable)

val scored = spark.read.table(outputTable)
display(scored.select("path", "labels", "transcription.text", "transcription.chunks"))

// COMMAND ----------

// The files a model could not read, and why
import org.apache.spark.sql.functions.col

display(scored.where(col("labels_error").isNotNull || col("transcription_error").isNotNull)
  .select("path", "labels_error", "transcription_error"))
