package io.sparkformers.ml;

import java.util.OptionalInt;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import io.sparkformers.platform.ScalaCollections;

/**
 * Inference parallelism is the number of partitions: a stage runs one task per partition, and
 * Spark splits files by bytes (128 MB), so a few megabytes of text arrive as one partition and
 * keep one core busy whatever the cluster has.
 */
public final class Parallelism {
  private Parallelism() {}

  /**
   * Tasks the session runs at once: executors x cores / spark.task.cpus when both executor settings
   * are given, else Spark's default parallelism (local[N]: N; a cluster: the cores registered) / spark.task.cpus.
   */
  public static int taskSlots(SparkSession spark) {
    SparkContext sc = spark.sparkContext();
    SparkConf conf = sc.getConf();
    int cores = sc.defaultParallelism();
    if (!sc.isLocal() && conf.contains("spark.executor.instances") && conf.contains("spark.executor.cores")) {
      cores = conf.getInt("spark.executor.instances", 1) * conf.getInt("spark.executor.cores", 1);
    }
    return Math.max(1, cores / conf.getInt("spark.task.cpus", 1));
  }

  /**
   * The partitions {@code df} will have, when that is known without running anything: from the plan's
   * own partitioning (after a repartition or a shuffle), else from its source when the plan has no
   * shuffle and no subquery (asking the RDD of a plan with a shuffle would run it). Empty for a
   * streaming DataFrame or when unknown.
   */
  public static OptionalInt partitions(Dataset<?> df) {
    if (df.isStreaming()) return OptionalInt.empty();
    try {
      // the planned tree, before adaptive execution wraps it: a repartition or a range declares its count
      int declared = df.queryExecution().sparkPlan().outputPartitioning().numPartitions();
      if (declared > 0) return OptionalInt.of(declared);
      SparkPlan plan = df.queryExecution().executedPlan();
      if (plan instanceof AdaptiveSparkPlanExec || runsJobsToPlan(plan)) return OptionalInt.empty();
      return OptionalInt.of(df.queryExecution().toRdd().getNumPartitions());
    } catch (RuntimeException e) {
      // only advice hangs on the count: a plan that cannot be prepared here fails where it runs, as before
      return OptionalInt.empty();
    }
  }

  private static boolean runsJobsToPlan(SparkPlan plan) {
    if (plan instanceof Exchange || !plan.subqueries().isEmpty()) return true;
    for (SparkPlan child : ScalaCollections.javaList(plan.children())) {
      if (runsJobsToPlan(child)) return true;
    }
    return false;
  }
}
