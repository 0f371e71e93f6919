package io.sparkformers.inference.task;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.text.EncodedText;
import io.sparkformers.inference.text.TextInputs;
import io.sparkformers.inference.text.TextTokenizer;
import io.sparkformers.inference.text.TokenBatch;
import java.util.List;
import java.util.Map;

/** text-classification, as transformers' TextClassificationPipeline: single texts or text pairs. */
public final class TextClassificationPipeline
    extends TaskPipeline<TextClassificationPipeline.Input, EncodedText, List<LabelScore>> {

  /** A text, or a pair (text, text_pair) for sentence-pair models. */
  public record Input(String text, String textPair) {}

  /**
   * @param topK labels returned per input, best first (HF default 1); negative for all (top_k=None)
   * @param functionToApply softmax / sigmoid / none; null for the model's default
   * @param maxLength truncation length; null for the model's
   */
  public record Settings(int topK, String functionToApply, Integer maxLength, long maxInputChars)
      implements java.io.Serializable {}

  private final ModelSession session;
  private final TextTokenizer tokenizer;
  private final ClassificationHead head;
  private final long padId;
  private final long maxInputChars;

  public TextClassificationPipeline(ModelSpec.Model model, Settings settings) {
    this.session = model.session("model");
    this.tokenizer = model.tokenizer(settings.maxLength(), TextTokenizer.Truncation.LONGEST_FIRST, 0, false);
    this.head = new ClassificationHead(model.bundle(), session, session.outputNames().get(0),
        settings.functionToApply(), settings.topK());
    this.padId = model.bundle().configInt("pad_token_id", 0);
    this.maxInputChars = settings.maxInputChars();
  }

  @Override
  public EncodedText preprocess(Input input) {
    String text = TextInputs.require(input.text(), "text", maxInputChars);
    if (input.textPair() == null) return new EncodedText(tokenizer.encode(text));
    String pair = TextInputs.require(input.textPair(), "text_pair", maxInputChars);
    return new EncodedText(tokenizer.encode(text, pair));
  }

  @Override
  protected Map<String, Tensor> collate(List<EncodedText> batch) {
    return TokenBatch.collate(batch, padId);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    return session.run(inputs, session.outputNames().get(0));
  }

  @Override
  protected List<LabelScore> postprocess(EncodedText features, Map<String, Tensor> outputs, int row) {
    return head.scores(outputs.values().iterator().next(), row);
  }
}
