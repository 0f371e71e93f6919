package io.sparkformers.udfs;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.classic.UserDefinedFunctionUtils;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.jdk.javaapi.CollectionConverters;

/** A UDF applied to argument expressions, as Spark 4's classic session builds it (3.5 has its own copy). */
final class ScalaUdfs {
  private ScalaUdfs() {}

  static Expression apply(UserDefinedFunction udf, List<Expression> arguments) {
    return UserDefinedFunctionUtils.toScalaUDF((SparkUserDefinedFunction) udf,
        CollectionConverters.asScala(arguments).toList());
  }
}
