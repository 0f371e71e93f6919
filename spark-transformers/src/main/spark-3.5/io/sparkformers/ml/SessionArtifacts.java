package io.sparkformers.ml;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Spark 3.5 ships the files and archives added to the SparkContext to every job, and executors
 * unpack them into one SparkFiles folder (Spark 4 has its own copy, for its per-session artifacts).
 */
final class SessionArtifacts {
  private SessionArtifacts() {}

  /** {@code body} as it is: what it adds to the SparkContext is every session's. */
  static <T> T withSessionState(SparkSession spark, Supplier<T> body) {
    return body.get();
  }
}
