package io.sparkformers.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.types.StructType;

/** A stage over one text column, truncated to the model's window (or maxLength) as transformers does. */
public abstract class TextStage<S extends TextStage<S, I, O>, I, O> extends InferenceStage<S, I, O> {
  private final IntParam maxLength = new IntParam(this, "maxLength",
      "truncation length in tokens, special tokens included; 0 for the model's", ParamValidators.gtEq(0));
  private final IntParam maxInputChars = new IntParam(this, "maxInputChars",
      "texts longer than this are invalid rows (memory guard; shorter texts are truncated to the window)",
      ParamValidators.gtEq(1));

  protected TextStage(String uid) {
    super(uid);
    setDefault(inputCol(), "text");
    setDefault(maxLength, 0);
    setDefault(maxInputChars, 1_000_000);
  }

  public IntParam maxLength() { return maxLength; }
  public IntParam maxInputChars() { return maxInputChars; }

  public S setMaxLength(int v) { set(maxLength, v); return self(); }
  public S setMaxInputChars(int v) { set(maxInputChars, v); return self(); }

  /** maxLength as the pipelines take it: null for the model's own. */
  protected Integer truncation() {
    int n = (Integer) $(maxLength);
    return n == 0 ? null : n;
  }

  protected int inputCharLimit() {
    return (Integer) $(maxInputChars);
  }

  @Override
  protected void checkInputSchema(StructType schema) {
    TextColumns.check(schema, getInputCol());
  }
}
