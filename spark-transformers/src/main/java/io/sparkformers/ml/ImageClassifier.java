package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.vision.ImageClassificationPipeline;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;

/**
 * image-classification over an image column, for any model with an image-classification head
 * (ViT, ConvNext, ...): output array&lt;struct&lt;label,score&gt;&gt;, top 5 by default as HF.
 */
public class ImageClassifier extends ImageStage<ImageClassifier, List<LabelScore>> {
  private final NullableIntParam topK = ClassificationParams.topK(this);
  private final Param<String> functionToApply = ClassificationParams.functionToApply(this);

  public ImageClassifier() {
    this(Identifiable.randomUID("ImageClassifier"));
  }

  public ImageClassifier(String uid) {
    super(uid);
    setDefault(topK, 5);
    setDefault(functionToApply, "default");
  }

  public NullableIntParam topK() { return topK; }
  public Param<String> functionToApply() { return functionToApply; }

  public ImageClassifier setTopK(int v) { set(topK, v); return this; }
  public ImageClassifier setFunctionToApply(String v) { set(functionToApply, v); return this; }

  @Override
  protected DataType outputDataType() {
    return LabelScores.TYPE;
  }

  @Override
  protected ImageTask<List<LabelScore>> task() {
    return new Task(new ImageClassificationPipeline.Settings((Integer) $(topK),
        ClassificationParams.function($(functionToApply))));
  }

  private record Task(ImageClassificationPipeline.Settings settings) implements ImageTask<List<LabelScore>> {
    @Override
    public TaskPipeline<ImageInput, ?, List<LabelScore>> pipeline(ModelSpec.Model model, ImageDecoder decoder) {
      return new ImageClassificationPipeline(model, decoder, settings);
    }

    @Override
    public Object toSpark(List<LabelScore> output) {
      return LabelScores.toSpark(output);
    }
  }

  public static MLReader<ImageClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static ImageClassifier load(String path) {
    return read().load(path);
  }
}
