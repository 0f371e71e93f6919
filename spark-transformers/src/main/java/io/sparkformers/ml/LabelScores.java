package io.sparkformers.ml;

import io.sparkformers.inference.task.LabelScore;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** array&lt;struct&lt;label,score&gt;&gt;, the output of every classification stage. */
final class LabelScores {
  static final DataType TYPE = DataTypes.createArrayType(DataTypes.createStructType(new org.apache.spark.sql.types.StructField[] {
      DataTypes.createStructField("label", DataTypes.StringType, false),
      DataTypes.createStructField("score", DataTypes.FloatType, false)}), false);

  private LabelScores() {}

  static Object toSpark(List<LabelScore> scores) {
    return SparkValues.seq(scores, s -> RowFactory.create(s.label(), s.score()));
  }
}
