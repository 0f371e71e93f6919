package io.sparkformers.jobs;

import io.sparkformers.platform.SparkLine;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession a job runs in: the caller's when one is already running, else a new one with
 * spark-submit's master, --master, or an embedded local[*] so that plain java -jar works. A session
 * the job started is stopped when it ends.
 */
final class JobSession implements AutoCloseable {
  private final SparkSession spark;
  private final boolean owned;

  private JobSession(SparkSession spark, boolean owned) {
    this.spark = spark;
    this.owned = owned;
  }

  static JobSession start(String appName, String master) {
    SparkLine.check();
    scala.Option<SparkSession> running = SparkSession.getActiveSession();
    if (running.isEmpty()) running = SparkSession.getDefaultSession();
    if (running.isDefined()) return new JobSession(running.get(), false);
    SparkLine.checkJava();
    nettyDefaults();
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (master != null) {
      builder.master(master);
    } else if (!new SparkConf().contains("spark.master")) {
      builder.master("local[*]");
    }
    return new JobSession(builder.getOrCreate(), true);
  }

  /**
   * The system properties among Spark's JVM options (org.apache.spark.launcher.JavaModuleOptions):
   * spark-submit passes them, java -jar cannot, and Netty reads them once, so before Spark starts.
   */
  private static void nettyDefaults() {
    System.getProperties().putIfAbsent("io.netty.tryReflectionSetAccessible", "true");
    System.getProperties().putIfAbsent("io.netty.allocator.type", "pooled");
  }

  SparkSession spark() {
    return spark;
  }

  @Override
  public void close() {
    if (owned) spark.stop();
  }
}
