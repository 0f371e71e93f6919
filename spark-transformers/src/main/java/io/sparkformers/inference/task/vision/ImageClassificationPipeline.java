package io.sparkformers.inference.task.vision;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.ClassificationHead;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ProcessedImage;
import java.util.List;
import java.util.Map;

/**
 * image-classification, as transformers' ImageClassificationPipeline: function_to_apply over the
 * logits (softmax unless the config says multi-label or has one label), the top_k labels.
 */
public final class ImageClassificationPipeline extends ImagePipeline<List<LabelScore>> {
  private static final String LOGITS = "logits";

  /**
   * @param topK labels per image, best first (HF default 5, clipped to the label count); negative for all
   * @param functionToApply softmax / sigmoid / none; null for the model's default
   */
  public record Settings(int topK, String functionToApply) implements java.io.Serializable {}

  private final ClassificationHead head;

  public ImageClassificationPipeline(ModelSpec.Model model, ImageDecoder decoder, Settings settings) {
    super(model, decoder, LOGITS);
    this.head = new ClassificationHead(model.bundle(), model.session("model"), LOGITS,
        settings.functionToApply(), settings.topK());
  }

  @Override
  protected List<LabelScore> postprocess(ProcessedImage image, Map<String, Tensor> outputs, int row) {
    return head.scores(outputs.get(LOGITS), row);
  }
}
