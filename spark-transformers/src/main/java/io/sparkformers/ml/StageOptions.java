package io.sparkformers.ml;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;

/**
 * Sets a stage Param by its Hugging Face argument name (top_k sets topK, aggregation_strategy sets
 * aggregationStrategy), the value read as that Param's JSON (5, true, null): the job's
 * {@code --option k=v} and the SQL functions' options map. A bad name or value is an
 * IllegalArgumentException naming the option and what it takes.
 */
public final class StageOptions {
  private StageOptions() {}

  public static void apply(InferenceStage<?, ?, ?> stage, Map<String, String> options) {
    options.forEach((name, value) -> set(stage, name, value));
  }

  public static void set(InferenceStage<?, ?, ?> stage, String name, String value) {
    Param<Object> param = param(stage, name);
    Object decoded;
    try {
      decoded = decode(param, value);
    } catch (Exception e) {
      // json4s and Jackson report bad JSON as exceptions Java does not see declared
      throw new IllegalArgumentException("option " + name + ": cannot read '" + value + "' (" + param.doc() + ")");
    }
    try {
      stage.set(param, decoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("option " + name + ": invalid value '" + value + "' (" + param.doc() + ")");
    }
  }

  @SuppressWarnings("unchecked")
  private static Param<Object> param(InferenceStage<?, ?, ?> stage, String name) {
    String camel = camelCase(name);
    if (!stage.hasParam(camel)) {
      String valid = Arrays.stream(stage.params()).map(p -> snakeCase(p.name())).sorted()
          .collect(Collectors.joining(", "));
      throw new IllegalArgumentException("unknown option '" + name + "' for " + stage.getClass().getSimpleName()
          + "; valid options: " + valid);
    }
    return (Param<Object>) stage.getParam(camel);
  }

  /**
   * A plain Param holds a string in every stage, so the text is the value as typed
   * (aggregation_strategy=simple); typed Params (IntParam, BooleanParam, NullableIntParam) decode JSON.
   * Numbers are read as Python reads them: threshold=0 is a float, and a list Param takes a single
   * number as HF does (stride_length_s=0.25 or [0.3,0.2]).
   */
  private static Object decode(Param<Object> param, String value) {
    if (param.getClass() == Param.class && !value.startsWith("\"")) return value;
    if (param instanceof DoubleParam) return Double.valueOf(value.trim());
    if ((Param<?>) param instanceof DoubleArrayParam && !value.trim().startsWith("[")) {
      return new double[] {Double.parseDouble(value.trim())};
    }
    return param.jsonDecode(value);
  }

  static String camelCase(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }

  static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
