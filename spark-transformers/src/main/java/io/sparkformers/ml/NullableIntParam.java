package io.sparkformers.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/**
 * An int Param where HF accepts None (top_k=None: every label): JSON {@code null} decodes to
 * {@link #NONE}, so `--option top_k=null` reads as it does in Python.
 */
public final class NullableIntParam extends Param<Integer> {
  public static final int NONE = -1;

  public NullableIntParam(Identifiable parent, String name, String doc) {
    super(parent, name, doc, (Integer v) -> v != null && v >= NONE);
  }

  /**
   * Spark Connect ML sets a Param from a client's value only when it knows the Param's class; not an
   * override where Spark's Param has no such member (before 4.0), so the class builds for every line.
   */
  public Class<Integer> dataClass() {
    return int.class; // as IntParam's: Connect turns the client's number into an int for it
  }

  @Override
  public Integer jsonDecode(String json) {
    String s = json.trim();
    if (s.equals("null")) return NONE;
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name() + " must be an integer or null, got " + json);
    }
  }

  @Override
  public String jsonEncode(Integer value) {
    return value == NONE ? "null" : value.toString();
  }
}
