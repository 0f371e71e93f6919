package io.sparkformers.udfs;

import io.sparkformers.platform.SparkLine;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * {@code spark.sql.extensions=io.sparkformers.udfs.SparkformersExtensions}: every hf_ and try_hf_
 * function in every session, as {@link Sparkformers#register} adds them, for the places where no
 * user code runs on the driver: Spark Connect servers (Databricks standard and serverless compute),
 * the Thrift JDBC server, spark-sql. A function builds its expression with the functions of the
 * session that analyzes the query ({@link Sparkformers#of}), so settings come from that session's
 * conf and its try_ counters are {@code Sparkformers.of(spark).failedRows(...)}.
 */
public final class SparkformersExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    // the session fails to start naming the supported lines, not a query later with a NoSuchMethodError
    SparkLine.check();
    // Spark analyzes a query with its session active
    for (var f : Sparkformers.descriptions(() -> Sparkformers.of(SparkSession.active()))) {
      ScalaUdfs.inject(extensions, f);
    }
    return BoxedUnit.UNIT;
  }
}
