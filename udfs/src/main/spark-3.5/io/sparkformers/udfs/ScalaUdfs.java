package io.sparkformers.udfs;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.collection.JavaConverters;

/** A UDF applied to argument expressions, as Spark 3.5 builds it (Spark 4 has its own copy). */
final class ScalaUdfs {
  private ScalaUdfs() {}

  static Expression apply(UserDefinedFunction udf, List<Expression> arguments) {
    return ((SparkUserDefinedFunction) udf).createScalaUDF(JavaConverters.asScalaBuffer(arguments).toList());
  }
}
