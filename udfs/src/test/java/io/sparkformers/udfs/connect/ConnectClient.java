package io.sparkformers.udfs.connect;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A Spark Connect JVM client session in the test JVM. The client cannot share a class path with the
 * server: its jar carries its own copies of Spark's SQL API and of the protocol classes (against a
 * relocated protobuf), and connect-shims stubs SparkContext. So it runs in a class loader of its own:
 * the client jars (copied by the build into {@code sparkformers.connectClient}) and the test class
 * path without the Spark modules the client does not depend on.
 */
public final class ConnectClient implements AutoCloseable {
  /** The Spark modules the client's pom depends on; every other spark-* jar is the server's. */
  private static final Set<String> CLIENT_SPARK_MODULES = Set.of("spark-common-utils", "spark-common-utils-java",
      "spark-unsafe", "spark-variant", "spark-sketch", "spark-tags");

  private final URLClassLoader loader;
  private final Class<?> client;
  private final Object session;

  private ConnectClient(URLClassLoader loader, String url) throws Exception {
    this.loader = loader;
    this.client = loader.loadClass(ClientSide.class.getName());
    this.session = call("open", url);
  }

  public static ConnectClient connect(String url) throws Exception {
    List<URL> urls = new ArrayList<>();
    File[] clientJars = new File(System.getProperty("sparkformers.connectClient")).listFiles();
    if (clientJars == null || clientJars.length == 0) {
      throw new IllegalStateException("no client jars in " + System.getProperty("sparkformers.connectClient"));
    }
    for (File jar : clientJars) urls.add(jar.toURI().toURL());
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!isServerOnly(new File(entry).getName())) urls.add(new File(entry).toURI().toURL());
    }
    return new ConnectClient(new URLClassLoader("connect-client", urls.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader()), url);
  }

  private static boolean isServerOnly(String jar) {
    if (!jar.startsWith("spark-") || !jar.endsWith(".jar")) return false;
    int scala = jar.indexOf('_');
    return scala < 0 || !CLIENT_SPARK_MODULES.contains(jar.substring(0, scala));
  }

  /** The query's rows as JSON lines; a failed query throws the client's exception. */
  @SuppressWarnings("unchecked")
  public List<String> json(String sql) throws Exception {
    return new ArrayList<>((List<String>) call("json", session, sql));
  }

  public void set(String key, String value) throws Exception {
    call("set", session, key, value);
  }

  /** Closes the session; the class loader stays open for the client's threads and shutdown hooks. */
  @Override
  public void close() throws Exception {
    call("close", session);
  }

  private Object call(String method, Object... args) throws Exception {
    Method target = java.util.Arrays.stream(client.getMethods()).filter(m -> m.getName().equals(method))
        .findFirst().orElseThrow();
    return withClientLoader(() -> {
      try {
        return target.invoke(null, args);
      } catch (InvocationTargetException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    });
  }

  private <T> T withClientLoader(Callable<T> body) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return body.call();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
