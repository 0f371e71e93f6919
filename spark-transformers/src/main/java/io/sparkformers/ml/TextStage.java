package io.sparkformers.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.types.StructType;

/** A stage over one text column (string, or UTF-8 binary), with a memory guard on text length. */
public abstract class TextStage<S extends TextStage<S, I, O>, I, O> extends InferenceStage<S, I, O> {
  private final IntParam maxInputChars = new IntParam(this, "maxInputChars",
      "texts longer than this are invalid rows (a memory guard, checked before tokenizing)",
      ParamValidators.gtEq(1));

  protected TextStage(String uid) {
    super(uid);
    setDefault(inputCol(), "text");
    setDefault(maxInputChars, 1_000_000);
  }

  public IntParam maxInputChars() { return maxInputChars; }

  public S setMaxInputChars(int v) { set(maxInputChars, v); return self(); }

  protected int inputCharLimit() {
    return (Integer) $(maxInputChars);
  }

  @Override
  protected void checkInputSchema(StructType schema) {
    TextColumns.check(schema, getInputCol());
  }
}
