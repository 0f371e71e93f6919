// Databricks notebook source
// MAGIC %md
// MAGIC # Vision tasks with sparkformers
// MAGIC
// MAGIC Reads a folder of images with Spark's `binaryFile` source and runs four Hugging Face tasks on them,
// MAGIC each a Spark ML stage that runs an ONNX model on the executors: **image classification**,
// MAGIC **object detection** (DETR), **semantic segmentation** (SegFormer, Mask2Former) and **depth
// MAGIC estimation** (GLPN).
// MAGIC
// MAGIC * Model folders: the Hugging Face / Optimum ONNX layout (`config.json`, `preprocessor_config.json`,
// MAGIC   `model.onnx` or `onnx/model.onnx`) on DBFS, a Unity Catalog volume or any Hadoop URI.
// MAGIC * Input: image files (JPEG, PNG, TIFF, WebP, BMP); the stages also take Spark's `image` source
// MAGIC   struct or a column of paths.
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

val classificationModel = setting("classification_model", "/dbfs/models/vit-base-patch16-224")
val detectionModel = setting("detection_model", "/dbfs/models/detr-resnet-50")
val segmentationModel = setting("segmentation_model", "/dbfs/models/segformer-b0-finetuned-ade-512-512")
val depthModel = setting("depth_model", "/dbfs/models/glpn-nyu")
val imagesDir = setting("images_dir", "/dbfs/data/images")
val outputTable = setting("output_table", "main.default.images_scored")

// COMMAND ----------

// one row per file: path, modificationTime, length and the encoded bytes in `content`
val images = spark.read.format("binaryFile")
  .option("pathGlobFilter", "*.{jpg,jpeg,png,tif,tiff,webp,bmp}")
  .option("recursiveFileLookup", "true")
  .load(imagesDir)

display(images.select("path", "length"))

// COMMAND ----------

// MAGIC %md
// MAGIC Each stage takes the Hugging Face pipeline's arguments under their Spark names (`top_k` is `topK`),
// MAGIC with the same defaults. Decoding happens on the executors, so a corrupt or truncated file is one bad
// MAGIC row: with `handleInvalid = "keep"` its predictions are null and the reason is in the error column.

// COMMAND ----------

import io.sparkformers.ml.{DepthEstimator, ImageClassifier, ImageSegmenter, ObjectDetector}
import org.apache.spark.ml.{Pipeline, PipelineStage}

val labels = new ImageClassifier()
  .setModelPath(classificationModel).setInputCol("content").setOutputCol("labels")
  .setTopK(3)                                  // top_k=3
  .setHandleInvalid("keep").setErrorCol("labels_error")

val objects = new ObjectDetector()
  .setModelPath(detectionModel).setInputCol("content").setOutputCol("objects")
  .setThreshold(0.9)                           // threshold=0.9
  .setHandleInvalid("keep").setErrorCol("objects_error")

val segments = new ImageSegmenter()
  .setModelPath(segmentationModel).setInputCol("content").setOutputCol("segments")
  .setSubtask("semantic")                      // subtask="semantic": one PNG mask per label
  .setHandleInvalid("keep").setErrorCol("segments_error")

val depth = new DepthEstimator()
  .setModelPath(depthModel).setInputCol("content").setOutputCol("depth")
  .setHandleInvalid("keep").setErrorCol("depth_error")

val scoring = new Pipeline().setStages(Array[PipelineStage](labels, objects, segments, depth)).fit(images)

// COMMAND ----------

// transform is lazy: the models run once, as the table is written; the image bytes stay in the files
scoring.transform(images).drop("content").write.mode("overwrite").saveAsTable(outputTable)

val scored = spark.read.table(outputTable)
display(scored.select("path", "labels", "objects", "segments.label", "depth.predicted_depth.height"))

// COMMAND ----------

// The files a model could not read, and why
import org.apache.spark.sql.functions.col

display(scored.where(col("labels_error").isNotNull || col("objects_error").isNotNull ||
    col("segments_error").isNotNull || col("depth_error").isNotNull)
  .select("path", "labels_error", "objects_error", "segments_error", "depth_error"))
