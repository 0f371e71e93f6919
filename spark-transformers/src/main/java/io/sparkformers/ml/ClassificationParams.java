package io.sparkformers.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/** The Params of HF's classification pipelines (top_k, function_to_apply), declared once for every classifier. */
final class ClassificationParams {
  private ClassificationParams() {}

  static NullableIntParam topK(Identifiable parent) {
    return new NullableIntParam(parent, "topK", "labels per row, best first; null for all");
  }

  static Param<String> functionToApply(Identifiable parent) {
    return new Param<>(parent, "functionToApply",
        "softmax, sigmoid or none; default from the model's problem_type and label count",
        ParamValidators.inArray(new String[] {"default", "softmax", "sigmoid", "none"}));
  }

  /** The pipelines' form: null for the model's default. */
  static String function(String value) {
    return value.equals("default") ? null : value;
  }
}
