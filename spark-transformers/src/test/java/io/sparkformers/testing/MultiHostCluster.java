package io.sparkformers.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.master.Master;
import org.apache.spark.deploy.worker.Worker;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * A standalone Master and one single-core Worker per host, in this JVM as Spark's LocalSparkCluster
 * runs them, but each Worker on its own loopback address (127.0.0.2, 127.0.0.3, ...; Linux routes
 * all of 127.0.0.0/8 to the loopback device), so its executor has a host of its own. The scheduler
 * never starts a speculative copy of a task on a host that runs an attempt of it
 * (TaskSetManager.hasAttemptOnHost), and local-cluster's executors share one host: speculation
 * needs this. Executors are launched as {@link LocalCluster}'s, so tests using it are tagged own-jvm.
 */
public final class MultiHostCluster implements AutoCloseable {
  private static final int WORKER_MEMORY_MB = 1024;

  private final RpcEnv master;
  private final List<RpcEnv> workers = new ArrayList<>();
  private final String url;

  private MultiHostCluster(int hosts) {
    LocalCluster.prepareSparkHome();
    // as LocalSparkCluster: no REST submission server, no external shuffle service
    SparkConf conf = new SparkConf(false)
        .set("spark.master.rest.enabled", "false")
        .set("spark.shuffle.service.enabled", "false");
    master = Master.startRpcEnvAndEndpoint("127.0.0.1", 0, 0, conf)._1();
    url = "spark://127.0.0.1:" + master.address().port();
    for (int h = 0; h < hosts; h++) {
      Option<Object> workerNumber = Option.<Object>apply(h + 1);
      workers.add(Worker.startRpcEnvAndEndpoint(host(h), 0, 0, 1, WORKER_MEMORY_MB, new String[] {url}, null,
          workerNumber, conf, Option.empty()));
    }
  }

  /** A cluster of {@code hosts} workers, one executor each. */
  public static MultiHostCluster start(int hosts) {
    return new MultiHostCluster(hosts);
  }

  /** The address the Worker of host {@code h} (from 0) and its executor bind to. */
  public static String host(int h) {
    return "127.0.0." + (h + 2);
  }

  /** The master URL, spark://127.0.0.1:port. */
  public String url() {
    return url;
  }

  /** The builder's session on this cluster, returned once every host's executor has registered. */
  public SparkSession session(SparkSession.Builder builder) throws InterruptedException {
    return LocalCluster.awaitExecutors(LocalCluster.onTestClassPath(builder).master(url)
        .config("spark.executor.memory", WORKER_MEMORY_MB + "m").getOrCreate(), workers.size());
  }

  /**
   * The builder with speculation that starts a copy within seconds: of a task running longer than
   * the median of the stage's tasks done, once half of them are, and at least 500 ms.
   */
  public static SparkSession.Builder speculating(SparkSession.Builder builder) {
    return builder
        .config("spark.speculation", "true")
        .config("spark.speculation.interval", "100ms")
        .config("spark.speculation.quantile", "0.5")
        .config("spark.speculation.multiplier", "1")
        .config("spark.speculation.minTaskRuntime", "500ms")
        // Spark 3.4+ would otherwise also weigh how fast the task reads its input
        .config("spark.speculation.efficiency.enabled", "false");
  }

  /** Workers first, so they do not see their master go (LocalSparkCluster.stop); each Worker kills its executor. */
  @Override
  public void close() {
    for (RpcEnv env : workers) {
      env.shutdown();
      env.awaitTermination();
    }
    master.shutdown();
    master.awaitTermination();
  }
}
