package io.sparkformers.platform;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The session's Hadoop configuration, shipped to executors once. Built through the public broadcast
 * API that every supported Spark line has: SerializableConfiguration.broadcast(SparkContext,
 * Configuration) appeared in Spark 4.1, so a jar calling it fails on 4.0 inside the first task.
 */
public final class HadoopConfBroadcast {
  private HadoopConfBroadcast() {}

  public static Broadcast<SerializableConfiguration> of(SparkContext sc, Configuration conf) {
    return JavaSparkContext.fromSparkContext(sc).broadcast(new SerializableConfiguration(conf));
  }
}
