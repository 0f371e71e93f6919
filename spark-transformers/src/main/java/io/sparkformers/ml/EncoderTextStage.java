package io.sparkformers.ml;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;

/** A text stage over an encoder, inputs truncated to the model's window (or maxLength) as transformers does. */
public abstract class EncoderTextStage<S extends EncoderTextStage<S, I, O>, I, O> extends TextStage<S, I, O> {
  private final IntParam maxLength = new IntParam(this, "maxLength",
      "truncation length in tokens, special tokens included; 0 for the model's", ParamValidators.gtEq(0));

  protected EncoderTextStage(String uid) {
    super(uid);
    setDefault(maxLength, 0);
  }

  public IntParam maxLength() { return maxLength; }

  public S setMaxLength(int v) { set(maxLength, v); return self(); }

  /** maxLength as the pipelines take it: null for the model's own. */
  protected Integer truncation() {
    int n = (Integer) $(maxLength);
    return n == 0 ? null : n;
  }
}
