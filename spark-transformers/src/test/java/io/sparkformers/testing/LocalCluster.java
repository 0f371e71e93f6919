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
    try {
      Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    SparkSession spark = builder
        .master("local-cluster[" + executors + ",1,1024]")
        .config("spark.executor.extraClassPath", classPath)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    // getExecutorInfos includes the driver; waiting spreads tasks over every executor from the start
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
      Thread.sleep(100);
    }
    return spark;
  }
}
