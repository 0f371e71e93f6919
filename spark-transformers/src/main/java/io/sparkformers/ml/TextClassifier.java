package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.text.TextClassificationPipeline;
import java.util.List;
import org.apache.spark.ml.param.Param;
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
public class TextClassifier extends EncoderTextStage<TextClassifier, TextClassificationPipeline.Input, List<LabelScore>> {
  private final Param<String> textPairCol = new Param<>(this, "textPairCol", "second text of a pair (optional)");
  private final NullableIntParam topK = ClassificationParams.topK(this);
  private final Param<String> functionToApply = ClassificationParams.functionToApply(this);

  public TextClassifier() {
    this(Identifiable.randomUID("TextClassifier"));
  }

  public TextClassifier(String uid) {
    super(uid);
    setDefault(topK, 1);
    setDefault(functionToApply, "default");
  }

  public Param<String> textPairCol() { return textPairCol; }
  public NullableIntParam topK() { return topK; }
  public Param<String> functionToApply() { return functionToApply; }

  public TextClassifier setTextPairCol(String v) { set(textPairCol, v); return this; }
  public TextClassifier setTopK(int v) { set(topK, v); return this; }
  public TextClassifier setFunctionToApply(String v) { set(functionToApply, v); return this; }

  @Override
  protected void checkInputSchema(StructType schema) {
    super.checkInputSchema(schema);
    if (isDefined(textPairCol)) TextColumns.check(schema, $(textPairCol));
  }

  @Override
  protected DataType outputDataType() {
    return LabelScores.TYPE;
  }

  @Override
  protected TaskBinding<TextClassificationPipeline.Input, List<LabelScore>> binding(StructType schema) {
    var settings = new TextClassificationPipeline.Settings((Integer) $(topK),
        ClassificationParams.function($(functionToApply)), truncation(), inputCharLimit());
    return new Binding(settings, new TextColumns.Reader(schema, getInputCol()),
        isDefined(textPairCol) ? new TextColumns.Reader(schema, $(textPairCol)) : null);
  }

  private record Binding(TextClassificationPipeline.Settings settings, TextColumns.Reader text,
      TextColumns.Reader pair) implements TaskBinding<TextClassificationPipeline.Input, List<LabelScore>> {

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
