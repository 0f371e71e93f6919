package io.sparkformers.udfs;

import java.util.List;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.classic.UserDefinedFunctionUtils;
import org.apache.spark.sql.expressions.SparkUserDefinedFunction;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.jdk.javaapi.CollectionConverters;

/** A UDF applied to argument expressions, as Spark 4's classic session builds it (3.5 has its own copy). */
final class ScalaUdfs {
  private ScalaUdfs() {}

  /** A temporary function, as spark.udf() registers them (Spark 4.2 keeps qualified names for the others). */
  static void register(FunctionRegistry registry, Sparkformers.Description f) {
    registry.createOrReplaceTempFunction(f.id().funcName(), builder(f), "java_udf");
  }

  static void inject(SparkSessionExtensions extensions, Sparkformers.Description f) {
    extensions.injectFunction(new scala.Tuple3<>(f.id(), f.info(), builder(f)));
  }

  /** Spark's FunctionBuilder: a Scala function of the arguments' Seq, whose type is the Scala version's. */
  private static scala.Function1<scala.collection.immutable.Seq<Expression>, Expression> builder(Sparkformers.Description f) {
    return args -> f.builder().apply(args);
  }

  static Expression apply(UserDefinedFunction udf, List<Expression> arguments) {
    return UserDefinedFunctionUtils.toScalaUDF((SparkUserDefinedFunction) udf,
        CollectionConverters.asScala(arguments).toList());
  }
}
