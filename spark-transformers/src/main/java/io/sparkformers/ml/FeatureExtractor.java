package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.text.FeatureExtractionPipeline;
import java.util.Arrays;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * feature-extraction over a string column: token embeddings (array&lt;array&lt;float&gt;&gt;, as
 * HF's pipeline) or, with pooling mean / cls, one sentence embedding (array&lt;float&gt;).
 */
public class FeatureExtractor extends EncoderTextStage<FeatureExtractor, String, float[][]> {
  private final Param<String> pooling = new Param<>(this, "pooling",
      "none (one vector per token), mean (over real tokens, as sentence-transformers) or cls",
      ParamValidators.inArray(new String[] {"none", "mean", "cls"}));
  private final BooleanParam normalize = new BooleanParam(this, "normalize", "L2-normalize each vector");

  public FeatureExtractor() {
    this(Identifiable.randomUID("FeatureExtractor"));
  }

  public FeatureExtractor(String uid) {
    super(uid);
    setDefault(pooling, "none");
    setDefault(normalize, false);
  }

  public Param<String> pooling() { return pooling; }
  public BooleanParam normalize() { return normalize; }

  public FeatureExtractor setPooling(String v) { set(pooling, v); return this; }
  public FeatureExtractor setNormalize(boolean v) { set(normalize, v); return this; }

  @Override
  protected DataType outputDataType() {
    DataType vector = DataTypes.createArrayType(DataTypes.FloatType, false);
    return $(pooling).equals("none") ? DataTypes.createArrayType(vector, false) : vector;
  }

  @Override
  protected TaskBinding<String, float[][]> binding(StructType schema) {
    var settings = new FeatureExtractionPipeline.Settings($(pooling), (Boolean) $(normalize),
        truncation(), inputCharLimit());
    return new Binding(settings, new TextColumns.Reader(schema, getInputCol()));
  }

  private record Binding(FeatureExtractionPipeline.Settings settings, TextColumns.Reader text)
      implements TaskBinding<String, float[][]> {

    @Override
    public TaskPipeline<String, ?, float[][]> pipeline(ModelSpec.Model model) {
      return new FeatureExtractionPipeline(model, settings);
    }

    @Override
    public String input(Row row) {
      return text.read(row);
    }

    @Override
    public Object toSpark(float[][] vectors) {
      return settings.poolingMode() == FeatureExtractionPipeline.Pooling.NONE
          ? SparkValues.seq(Arrays.asList(vectors), v -> v)
          : vectors[0];
    }
  }

  public static MLReader<FeatureExtractor> read() {
    return new DefaultParamsReader<>();
  }

  public static FeatureExtractor load(String path) {
    return read().load(path);
  }
}
