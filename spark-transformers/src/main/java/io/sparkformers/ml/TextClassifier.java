package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.TextClassificationPipeline;
import java.util.List;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * text-classification over a string column (and optionally a second one for text pairs), for any
 * encoder with a sequence-classification head: output array&lt;struct&lt;label,score&gt;&gt;.
 */
public class TextClassifier extends InferenceStage<TextClassifier, TextClassificationPipeline.Input, List<LabelScore>> {
  private final Param<String> textPairCol = new Param<>(this, "textPairCol", "second text of a pair (optional)");
  private final NullableIntParam topK = new NullableIntParam(this, "topK", "labels per row, best first; null for all");
  private final Param<String> functionToApply = new Param<>(this, "functionToApply",
      "softmax, sigmoid or none; default from the model's problem_type and label count",
      ParamValidators.inArray(new String[] {"default", "softmax", "sigmoid", "none"}));
  private final IntParam maxLength = new IntParam(this, "maxLength",
      "truncation length in tokens, special tokens included; 0 for the model's", ParamValidators.gtEq(0));
  private final IntParam maxInputChars = new IntParam(this, "maxInputChars",
      "texts longer than this are invalid rows", ParamValidators.gtEq(1));

  public TextClassifier() {
    this(Identifiable.randomUID("TextClassifier"));
  }

  public TextClassifier(String uid) {
    super(uid);
    setDefault(topK, 1);
    setDefault(functionToApply, "default");
    setDefault(maxLength, 0);
    setDefault(maxInputChars, 1_000_000);
  }

  public Param<String> textPairCol() { return textPairCol; }
  public NullableIntParam topK() { return topK; }
  public Param<String> functionToApply() { return functionToApply; }
  public IntParam maxLength() { return maxLength; }
  public IntParam maxInputChars() { return maxInputChars; }

  public TextClassifier setTextPairCol(String v) { set(textPairCol, v); return this; }
  public TextClassifier setTopK(int v) { set(topK, v); return this; }
  public TextClassifier setFunctionToApply(String v) { set(functionToApply, v); return this; }
  public TextClassifier setMaxLength(int v) { set(maxLength, v); return this; }
  public TextClassifier setMaxInputChars(int v) { set(maxInputChars, v); return this; }

  @Override
  protected void checkInputSchema(StructType schema) {
    TextColumns.check(schema, getInputCol());
    if (isDefined(textPairCol)) TextColumns.check(schema, $(textPairCol));
  }

  @Override
  protected DataType outputDataType() {
    return LabelScores.TYPE;
  }

  @Override
  protected TaskBinding<TextClassificationPipeline.Input, List<LabelScore>> binding(StructType schema) {
    String fn = $(functionToApply);
    var settings = new TextClassificationPipeline.Settings((Integer) $(topK), fn.equals("default") ? null : fn,
        (Integer) $(maxLength) == 0 ? null : (Integer) $(maxLength), (Integer) $(maxInputChars));
    return new Binding(settings, new TextColumns.Reader(schema, getInputCol()),
        isDefined(textPairCol) ? new TextColumns.Reader(schema, $(textPairCol)) : null);
  }

  private static final class Binding implements TaskBinding<TextClassificationPipeline.Input, List<LabelScore>> {
    private final TextClassificationPipeline.Settings settings;
    private final TextColumns.Reader text;
    private final TextColumns.Reader pair;

    Binding(TextClassificationPipeline.Settings settings, TextColumns.Reader text, TextColumns.Reader pair) {
      this.settings = settings;
      this.text = text;
      this.pair = pair;
    }

    @Override
    public TaskPipeline<TextClassificationPipeline.Input, ?, List<LabelScore>> pipeline(ModelSpec.Model model) {
      return new TextClassificationPipeline(model, settings);
    }

    @Override
    public TextClassificationPipeline.Input input(Row row) {
      return new TextClassificationPipeline.Input(text.read(row), pair == null ? null : pair.read(row));
    }

    @Override
    public Object toSpark(List<LabelScore> output) {
      return LabelScores.toSpark(output);
    }
  }

  public static MLReader<TextClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static TextClassifier load(String path) {
    return read().load(path);
  }
}
