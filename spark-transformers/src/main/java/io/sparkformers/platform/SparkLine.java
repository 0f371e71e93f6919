package io.sparkformers.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The Spark lines and the Scala version this build of sparkformers is for, checked against the Spark
 * and Scala on the class path where a job, a stage's transform or the SQL functions start: a jar on a
 * runtime it was not built for fails there, naming the builds that fit, instead of with a
 * NoSuchMethodError inside a task.
 */
public final class SparkLine {
  private static final String BUILDS =
      "sparkformers builds: Spark 3.5 with Scala 2.12 (artifacts *_2.12, Maven profile spark-3.5);"
          + " Spark 4.0, 4.1, 4.2 with Scala 2.13 (artifacts *_2.13, the default build)";
  private static final SparkLine BUILT = load();
  private static final int FIRST_JAVA_WITHOUT_GET_SUBJECT = 24;

  private final String artifact;
  private final String version;
  private final List<String> lines;
  private final String scalaBinary;

  SparkLine(String artifact, String version, List<String> lines, String scalaBinary) {
    this.artifact = artifact;
    this.version = version;
    this.lines = lines;
    this.scalaBinary = scalaBinary;
  }

  /** This build's lines, e.g. [4.0, 4.1, 4.2]. */
  public static List<String> supported() {
    return BUILT.lines;
  }

  /** Fails unless the running Spark and Scala are ones this build is for. */
  public static void check() {
    String problem = BUILT.problem(org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        scala.util.Properties.versionNumberString());
    if (problem != null) throw new IllegalStateException(problem);
  }

  /**
   * Fails on a Java that no Spark line of this build can start a session on: their Hadoop client's
   * UserGroupInformation calls Subject.getSubject, which Java 24 and newer refuse (measured with Spark
   * 3.5.9, 4.0.1, 4.1.0 and 4.2.0 on Java 25). Called before a session is started, not when one is
   * running: a running session shows that its Hadoop copes.
   */
  public static void checkJava() {
    String problem = javaProblem(Runtime.version().feature());
    if (problem != null) throw new IllegalStateException(problem);
  }

  static String javaProblem(int javaFeature) {
    if (javaFeature < FIRST_JAVA_WITHOUT_GET_SUBJECT) return null;
    return "Java " + javaFeature + " cannot start a Spark session: Hadoop's UserGroupInformation, in Spark 3.5"
        + " to 4.2, calls Subject.getSubject, which Java " + FIRST_JAVA_WITHOUT_GET_SUBJECT + " and newer refuse."
        + " Run on Java 17 or 21 (Spark 4.0, 4.1, 4.2) or Java 17 (Spark 3.5)";
  }

  /** Null when Spark {@code sparkVersion} on Scala {@code scalaVersion} fits this build, else why not. */
  String problem(String sparkVersion, String scalaVersion) {
    if (lines.contains(line(sparkVersion)) && scalaBinary.equals(line(scalaVersion))) return null;
    return artifact + " " + version + " is built for Spark " + String.join(", ", lines) + " with Scala "
        + scalaBinary + "; this JVM runs Spark " + sparkVersion + " with Scala " + scalaVersion
        + ". Use the build for that Spark line (" + BUILDS + ")";
  }

  /** 4.1.3 -> 4.1, 2.13.18 -> 2.13. */
  private static String line(String version) {
    String[] parts = version.split("[.-]");
    return parts.length < 2 ? version : parts[0] + "." + parts[1];
  }

  private static SparkLine load() {
    Properties build = new Properties();
    try (InputStream in = SparkLine.class.getResourceAsStream("build.properties")) {
      if (in == null) throw new IllegalStateException("build.properties is missing beside " + SparkLine.class.getName());
      build.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SparkLine(build.getProperty("artifact"), build.getProperty("version"),
        Arrays.asList(build.getProperty("spark.lines").trim().split("\\s+")), build.getProperty("scala.binary.version"));
  }
}
