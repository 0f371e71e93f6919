"""sparkformers for PySpark: Hugging Face tasks as Spark ML stages (see sparkformers.ml)."""

__version__ = "0.1.0.dev0"
