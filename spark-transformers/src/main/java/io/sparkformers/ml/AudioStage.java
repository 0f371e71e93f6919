package io.sparkformers.ml;

import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.audio.AudioLimits;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.types.StructType;

/**
 * A stage over one audio column: encoded bytes, or samples with a sampling rate. Rows over the
 * byte or duration limits are invalid rows (memory guards); maxTokensPerBatch counts samples.
 */
public abstract class AudioStage<S extends AudioStage<S, O>, O>
    extends InferenceStage<S, AudioInput, O> {
  private final DoubleParam maxAudioSeconds = new DoubleParam(this, "maxAudioSeconds",
      "clips longer than this are invalid rows (checked from the header before decoding)", ParamValidators.gt(0));
  private final LongParam maxInputBytes = new LongParam(this, "maxInputBytes",
      "encoded clips larger than this are invalid rows", ParamValidators.gt(0));
  private final Param<String> samplingRateCol = new Param<>(this, "samplingRateCol",
      "int column with the sampling rate of array<float> samples (optional)");
  private final IntParam samplingRate = new IntParam(this, "samplingRate",
      "sampling rate of array<float> samples when no samplingRateCol is set; 0 for the model's", ParamValidators.gtEq(0));

  protected AudioStage(String uid) {
    super(uid);
    setDefault(inputCol(), "audio");
    setDefault(maxAudioSeconds, AudioLimits.DEFAULT.maxSeconds());
    setDefault(maxInputBytes, AudioLimits.DEFAULT.maxBytes());
    setDefault(samplingRate, 0);
  }

  public DoubleParam maxAudioSeconds() { return maxAudioSeconds; }
  public LongParam maxInputBytes() { return maxInputBytes; }
  public Param<String> samplingRateCol() { return samplingRateCol; }
  public IntParam samplingRate() { return samplingRate; }

  public S setMaxAudioSeconds(double v) { set(maxAudioSeconds, v); return self(); }
  public S setMaxInputBytes(long v) { set(maxInputBytes, v); return self(); }
  public S setSamplingRateCol(String v) { set(samplingRateCol, v); return self(); }
  public S setSamplingRate(int v) { set(samplingRate, v); return self(); }

  protected AudioLimits limits() {
    return new AudioLimits((Long) $(maxInputBytes), (Double) $(maxAudioSeconds));
  }

  private String rateColumn() {
    return isDefined(samplingRateCol) ? $(samplingRateCol) : null;
  }

  protected AudioColumns.Reader reader(StructType schema) {
    return new AudioColumns.Reader(schema, getInputCol(), rateColumn(), (Integer) $(samplingRate));
  }

  @Override
  protected void checkInputSchema(StructType schema) {
    AudioColumns.check(schema, getInputCol(), rateColumn());
  }
}
