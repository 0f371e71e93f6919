package io.sparkformers.jobs;

import java.util.Locale;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;

/** How the job writes its output: Spark's own writers, one file per partition under the output path. */
enum OutputFormat {
  PARQUET {
    @Override
    void write(DataFrameWriter<Row> writer, String path) {
      writer.parquet(path);
    }
  },
  /** One JSON object per line (Spark's json writer); null fields written, as the columns are the contract. */
  JSONL {
    @Override
    void write(DataFrameWriter<Row> writer, String path) {
      writer.option("ignoreNullFields", "false").json(path);
    }
  };

  abstract void write(DataFrameWriter<Row> writer, String path);

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
