package io.sparkformers.ml;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Spark 4 ships a session's jobs only the files and archives added under that session's artifact
 * state (spark.sql.artifact.isolation.enabled, on by default), and executors unpack them into a
 * folder of that session. The one place that knows it: a Spark version without per-session
 * artifacts runs {@code body} as it is.
 */
final class SessionArtifacts {
  private SessionArtifacts() {}

  /** {@code body}, with what it adds to the SparkContext and reads from SparkFiles being the session's. */
  static <T> T withSessionState(SparkSession spark, Supplier<T> body) {
    return ((org.apache.spark.sql.classic.SparkSession) spark).artifactManager().withResources(body::get);
  }
}
