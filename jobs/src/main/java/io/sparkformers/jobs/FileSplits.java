package io.sparkformers.jobs;

import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/**
 * Session settings under which Spark's file scan cuts the input into at least as many partitions as
 * the job runs tasks. Spark makes splits of at least {@code spark.sql.files.openCostInBytes} (4 MB),
 * so a file of a few megabytes is one partition, one task, one core, however costly each row is to
 * infer. Asking the scan for the splits costs nothing where the file format can be split (lines,
 * Parquet row groups); a repartition would send every row through a shuffle first, in one task that
 * keeps the other cores idle. The job's session may be the caller's, so closing unsets them again.
 */
final class FileSplits implements AutoCloseable {
  static final String MIN_PARTITIONS = "spark.sql.files.minPartitionNum";
  static final String OPEN_COST = "spark.sql.files.openCostInBytes";

  private final RuntimeConfig conf;
  private final boolean set;

  private FileSplits(RuntimeConfig conf, boolean set) {
    this.conf = conf;
    this.set = set;
  }

  /**
   * At least {@code partitions} splits, unless the session sets either key itself (its choice).
   * Spark divides the input's bytes plus an open cost per file by the minimum number of partitions,
   * rounding down: an open cost of partitions - 1 bytes makes that division round up, so one file
   * gives exactly {@code partitions} splits rather than those and a sliver of a few bytes.
   */
  static FileSplits atLeast(SparkSession spark, int partitions) {
    RuntimeConfig conf = spark.conf();
    boolean set = partitions > 1 && !conf.contains(MIN_PARTITIONS) && !conf.contains(OPEN_COST);
    if (set) {
      conf.set(MIN_PARTITIONS, partitions);
      conf.set(OPEN_COST, partitions - 1);
    }
    return new FileSplits(conf, set);
  }

  @Override
  public void close() {
    if (set) {
      conf.unset(MIN_PARTITIONS);
      conf.unset(OPEN_COST);
    }
  }
}
