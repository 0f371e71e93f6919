package io.sparkformers.platform;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SparkLineTest {
  private static final SparkLine SPARK_4 = new SparkLine("spark-transformers_2.13", "1.0", List.of("4.0", "4.1", "4.2"), "2.13");

  @Test
  void everyPatchReleaseOfABuildLineOnItsScalaFits() {
    assertNull(SPARK_4.problem("4.0.1", "2.13.16"));
    assertNull(SPARK_4.problem("4.1.3", "2.13.17"));
    assertNull(SPARK_4.problem("4.2.0", "2.13.18"));
  }

  @Test
  void anotherSparkLineFailsNamingTheBuildsThatFit() {
    assertEquals("spark-transformers_2.13 1.0 is built for Spark 4.0, 4.1, 4.2 with Scala 2.13; this JVM runs"
        + " Spark 3.5.9 with Scala 2.12.18. Use the build for that Spark line (sparkformers builds: Spark 3.5"
        + " with Scala 2.12 (artifacts *_2.12, Maven profile spark-3.5); Spark 4.0, 4.1, 4.2 with Scala 2.13"
        + " (artifacts *_2.13, the default build))", SPARK_4.problem("3.5.9", "2.12.18"));
    assertTrue(SPARK_4.problem("4.3.0", "2.13.18").contains("this JVM runs Spark 4.3.0 with Scala 2.13.18"));
  }

  @Test
  void theRightSparkLineOnTheOtherScalaFails() {
    assertTrue(SPARK_4.problem("4.2.0", "2.12.18").contains("with Scala 2.13; this JVM runs Spark 4.2.0 with Scala 2.12.18"));
    SparkLine spark35 = new SparkLine("udfs_2.12", "1.0", List.of("3.5"), "2.12");
    assertNull(spark35.problem("3.5.9", "2.12.18"));
    assertTrue(spark35.problem("3.5.9", "2.13.8").contains("built for Spark 3.5 with Scala 2.12"));
  }

  @Test
  void javaFromTheOneThatRefusesSubjectGetSubjectOnFailsNamingTheJavasThatWork() {
    assertNull(SparkLine.javaProblem(17));
    assertNull(SparkLine.javaProblem(21));
    assertEquals("Java 25 cannot start a Spark session: Hadoop's UserGroupInformation, in Spark 3.5 to 4.2, calls"
        + " Subject.getSubject, which Java 24 and newer refuse. Run on Java 17 or 21 (Spark 4.0, 4.1, 4.2) or"
        + " Java 17 (Spark 3.5)", SparkLine.javaProblem(25));
  }

  /** The build's own properties, filtered by Maven for the profile being tested, fit the Spark it tests on. */
  @Test
  void thisBuildFitsTheSparkItIsTestedWith() {
    assertDoesNotThrow(SparkLine::check);
    String running = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    assertTrue(SparkLine.supported().stream().anyMatch(running::startsWith), running + " in " + SparkLine.supported());
  }
}
