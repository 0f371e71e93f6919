package io.sparkformers.udfs.connect;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Runs inside {@link ConnectClient}'s class loader, where {@code org.apache.spark.sql.SparkSession}
 * is the Spark Connect JVM client's: what a Connect user's program calls, with only JDK types
 * crossing back to the test.
 */
public final class ClientSide {
  private ClientSide() {}

  public static Object open(String url) {
    return SparkSession.builder().connect().remote(url).getOrCreate();
  }

  /** The rows of a query as JSON lines, computed on the server. */
  public static List<String> json(Object session, String sql) {
    return ((SparkSession) session).sql(sql).toJSON().collectAsList();
  }

  public static void set(Object session, String key, String value) {
    ((SparkSession) session).conf().set(key, value);
  }

  public static void close(Object session) throws Exception {
    ((SparkSession) session).close();
  }
}
