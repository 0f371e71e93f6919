package io.sparkformers.jobs;

import java.util.Locale;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** How the job reads its input, and which column it infers from unless told otherwise. */
enum InputFormat {
  PARQUET {
    @Override
    Dataset<Row> read(DataFrameReader reader, String path) {
      return reader.parquet(path);
    }
  },
  /** One JSON object per line. */
  JSONL {
    @Override
    Dataset<Row> read(DataFrameReader reader, String path) {
      return reader.json(path);
    }
  },
  /** With a header line naming the columns; every column is read as a string. */
  CSV {
    @Override
    Dataset<Row> read(DataFrameReader reader, String path) {
      return reader.option("header", "true").csv(path);
    }
  },
  /** One row per line, in a column named text. */
  TEXT {
    @Override
    Dataset<Row> read(DataFrameReader reader, String path) {
      return reader.text(path).withColumnRenamed("value", "text");
    }
  },
  /** One row per file: its path and its bytes, which the stage decodes. */
  IMAGES {
    @Override
    Dataset<Row> read(DataFrameReader reader, String path) {
      return files(reader, path);
    }
  },
  AUDIO {
    @Override
    Dataset<Row> read(DataFrameReader reader, String path) {
      return files(reader, path);
    }
  };

  abstract Dataset<Row> read(DataFrameReader reader, String path);

  Dataset<Row> read(SparkSession spark, String path) {
    return read(spark.read(), path);
  }

  /** The input column when neither --input-col nor the stage names one. */
  String defaultInputCol() {
    return this == IMAGES || this == AUDIO ? "content" : "text";
  }

  private static Dataset<Row> files(DataFrameReader reader, String path) {
    return reader.format("binaryFile").load(path).select("path", "content");
  }

  /** As typed on the command line, which picocli also lists as the choices. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
