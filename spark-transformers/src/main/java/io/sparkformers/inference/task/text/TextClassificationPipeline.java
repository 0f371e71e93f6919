package io.sparkformers.inference.task.text;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.ClassificationHead;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.text.EncodedText;
import java.util.List;
import java.util.Map;

/** text-classification, as transformers' TextClassificationPipeline: single texts or text pairs. */
public final class TextClassificationPipeline
    extends EncoderTextPipeline<TextClassificationPipeline.Input, EncodedText, List<LabelScore>> {

  /** A text, or a pair (text, text_pair) for sentence-pair models. */
  public record Input(String text, String textPair) {}

  /**
   * @param topK labels returned per input, best first (HF default 1); negative for all (top_k=None)
   * @param functionToApply softmax / sigmoid / none; null for the model's default
   * @param maxLength truncation length; null for the model's
   */
  public record Settings(int topK, String functionToApply, Integer maxLength, long maxInputChars)
      implements java.io.Serializable {}

  private final ClassificationHead head;

  public TextClassificationPipeline(ModelSpec.Model model, Settings settings) {
    super(model, settings.maxLength(), settings.maxInputChars());
    this.head = new ClassificationHead(model.bundle(), session, output(),
        settings.functionToApply(), settings.topK());
  }

  @Override
  public EncodedText preprocess(Input input) {
    String text = checked(input.text(), "text");
    if (input.textPair() == null) return new EncodedText(tokenizer.encode(text));
    String pair = checked(input.textPair(), "text_pair");
    return new EncodedText(tokenizer.encode(text, pair));
  }

  @Override
  protected List<LabelScore> postprocess(EncodedText features, Map<String, Tensor> outputs, int row) {
    return head.scores(outputs.values().iterator().next(), row);
  }
}
