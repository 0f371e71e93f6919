package io.sparkformers.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Executor JVMs of their own ({@code local-cluster[n,1,1024]}), for tests tagged own-jvm, whose
 * surefire execution sets SPARK_HOME: the Worker starts executors as
 * {@code java -cp <extraClassPath>:$SPARK_HOME/jars/*}, and Spark adds its module flags
 * (JavaModuleOptions) to spark.executor.extraJavaOptions itself.
 */
public final class LocalCluster {
  private LocalCluster() {}

  /** The builder's session on {@code executors} executors, returned once every one has registered. */
  public static SparkSession start(SparkSession.Builder builder, int executors) throws InterruptedException {
    prepareSparkHome();
    return awaitExecutors(onTestClassPath(builder).master("local-cluster[" + executors + ",1,1024]").getOrCreate(),
        executors);
  }

  /** The jars/ folder a Worker's launcher requires under SPARK_HOME, before any Worker starts an executor. */
  static void prepareSparkHome() {
    try {
      Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Executors that a standalone Worker launches run this JVM's test class path; no UI, the driver on loopback. */
  static SparkSession.Builder onTestClassPath(SparkSession.Builder builder) {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return builder
        .config("spark.executor.extraClassPath", classPath)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1");
  }

  /** Waits until the session has {@code executors} executors, so tasks spread over all of them from the start. */
  static SparkSession awaitExecutors(SparkSession spark, int executors) throws InterruptedException {
    // getExecutorInfos includes the driver
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
      Thread.sleep(100);
    }
    return spark;
  }
}
