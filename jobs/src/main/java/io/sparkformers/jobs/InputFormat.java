package io.sparkformers.jobs;

import java.util.Locale;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** How the job reads its input, and which column it infers from unless told otherwise. */
enum InputFormat {
  PARQUET {
    @Override
    Dataset<Row> read(DataFrameReader reader, String... paths) {
      return reader.parquet(paths);
    }
  },
  /** One JSON object per line. */
  JSONL {
    @Override
    Dataset<Row> read(DataFrameReader reader, String... paths) {
      return reader.json(paths);
    }
  },
  /** With a header line naming the columns; every column is read as a string. */
  CSV {
    @Override
    Dataset<Row> read(DataFrameReader reader, String... paths) {
      return reader.option("header", "true").csv(paths);
    }
  },
  /** One row per line, in a column named text. */
  TEXT {
    @Override
    Dataset<Row> read(DataFrameReader reader, String... paths) {
      return reader.text(paths).withColumnRenamed("value", "text");
    }
  },
  /** One row per file: its path and its bytes, which the stage decodes. */
  IMAGES {
    @Override
    Dataset<Row> read(DataFrameReader reader, String... paths) {
      return files(reader, paths);
    }
  },
  AUDIO {
    @Override
    Dataset<Row> read(DataFrameReader reader, String... paths) {
      return files(reader, paths);
    }
  };

  abstract Dataset<Row> read(DataFrameReader reader, String... paths);

  Dataset<Row> read(SparkSession spark, String path) {
    return read(spark.read(), path);
  }

  /**
   * Some of the input's files, with the schema read from all of them, so every chunk of a resumable
   * run has the columns and types one read of the whole input has.
   */
  Dataset<Row> read(SparkSession spark, StructType schema, String... files) {
    boolean inferred = this == PARQUET || this == JSONL || this == CSV;
    return read(inferred ? spark.read().schema(schema) : spark.read(), files);
  }

  /** Whether Spark reads a file of it in parts (byte ranges of lines, Parquet row groups); a binary file is one row. */
  boolean splitsFiles() {
    return this != IMAGES && this != AUDIO;
  }

  /** The input column when neither --input-col nor the stage names one. */
  String defaultInputCol() {
    return this == IMAGES || this == AUDIO ? "content" : "text";
  }

  private static Dataset<Row> files(DataFrameReader reader, String... paths) {
    return reader.format("binaryFile").load(paths).select("path", "content");
  }

  /** As typed on the command line, which picocli also lists as the choices. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
