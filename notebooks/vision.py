# Databricks notebook source
# MAGIC %md
# MAGIC # Vision tasks with sparkformers
# MAGIC
# MAGIC Reads a folder of images with Spark's `binaryFile` source and runs four Hugging Face tasks on them,
# MAGIC each a Spark ML stage that runs an ONNX model on the executors: **image classification**,
# MAGIC **object detection** (DETR), **semantic segmentation** (SegFormer, Mask2Former) and **depth
# MAGIC estimation** (GLPN).
# MAGIC
# MAGIC * Model folders: the Hugging Face / Optimum ONNX layout (`config.json`, `preprocessor_config.json`,
# MAGIC   `model.onnx` or `onnx/model.onnx`) on DBFS, a Unity Catalog volume or any Hadoop URI.
# MAGIC * Input: image files (JPEG, PNG, TIFF, WebP, BMP); the stages also take Spark's `image` source
# MAGIC   struct or a column of paths.
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


classification_model = setting("classification_model", "/dbfs/models/vit-base-patch16-224")
detection_model = setting("detection_model", "/dbfs/models/detr-resnet-50")
segmentation_model = setting("segmentation_model", "/dbfs/models/segformer-b0-finetuned-ade-512-512")
depth_model = setting("depth_model", "/dbfs/models/glpn-nyu")
images_dir = setting("images_dir", "/dbfs/data/images")
output_table = setting("output_table", "main.default.images_scored")

# COMMAND ----------

# one row per file: path, modificationTime, length and the encoded bytes in `content`
images = (spark.read.format("binaryFile")
          .option("pathGlobFilter", "*.{jpg,jpeg,png,tif,tiff,webp,bmp}")
          .option("recursiveFileLookup", "true")
          .load(images_dir))

display(images.select("path", "length"))

# COMMAND ----------

# MAGIC %md
# MAGIC Each stage takes the Hugging Face pipeline's arguments under their Spark names (`top_k` is `topK`),
# MAGIC with the same defaults. Decoding happens on the executors, so a corrupt or truncated file is one bad
# MAGIC row: with `handleInvalid="keep"` its predictions are null and the reason is in the error column.

# COMMAND ----------

from pyspark.ml import Pipeline
from sparkformers.ml import DepthEstimator, ImageClassifier, ImageSegmenter, ObjectDetector

labels = ImageClassifier(
    modelPath=classification_model, inputCol="content", outputCol="labels",
    topK=3,                                      # top_k=3
    handleInvalid="keep", errorCol="labels_error")

objects = ObjectDetector(
    modelPath=detection_model, inputCol="content", outputCol="objects",
    threshold=0.9,                               # threshold=0.9
    handleInvalid="keep", errorCol="objects_error")

segments = ImageSegmenter(
    modelPath=segmentation_model, inputCol="content", outputCol="segments",
    subtask="semantic",                          # subtask="semantic": one PNG mask per label
    handleInvalid="keep", errorCol="segments_error")

depth = DepthEstimator(
    modelPath=depth_model, inputCol="content", outputCol="depth",
    handleInvalid="keep", errorCol="depth_error")

scoring = Pipeline(stages=[labels, objects, segments, depth]).fit(images)

# COMMAND ----------

# transform is lazy: the models run once, as the table is written; the image bytes stay in the files
scoring.transform(images).drop("content").write.mode("overwrite").saveAsTable(output_table)

scored = spark.read.table(output_table)
display(scored.select("path", "labels", "objects", "segments.label", "depth.predicted_depth.height"))

# COMMAND ----------

# The files a model could not read, and why
from pyspark.sql.functions import col

display(scored.where(col("labels_error").isNotNull() | col("objects_error").isNotNull()
                     | col("segments_error").isNotNull() | col("depth_error").isNotNull())
        .select("path", "labels_error", "objects_error", "segments_error", "depth_error"))
