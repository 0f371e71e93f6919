package io.sparkformers.inference.task.text;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.text.TextInputs;
import io.sparkformers.inference.text.TextTokenizer;
import io.sparkformers.inference.text.TokenBatch;
import io.sparkformers.inference.text.Tokenized;
import java.util.List;
import java.util.Map;

/**
 * A task over one encoder graph fed one tokenized sequence per input, truncated to the model's
 * window as transformers does: the shared half of text-classification, token-classification and
 * feature-extraction.
 */
abstract class EncoderTextPipeline<I, F extends Tokenized, O> extends TaskPipeline<I, F, O> {
  protected final ModelSession session;
  protected final TextTokenizer tokenizer;
  private final long padId;
  private final long maxInputChars;

  protected EncoderTextPipeline(ModelSpec.Model model, Integer maxLength, long maxInputChars) {
    this.session = model.session("model");
    this.tokenizer = model.tokenizer(maxLength, TextTokenizer.Truncation.LONGEST_FIRST, 0, false);
    this.padId = model.bundle().configInt("pad_token_id", 0);
    this.maxInputChars = maxInputChars;
  }

  /** The graph output this task reads: its first, unless a task names another. */
  protected String output() {
    return session.outputNames().get(0);
  }

  /** The text itself, or an invalid row when it is null, blank or over maxInputChars. */
  protected String checked(String text, String what) {
    return TextInputs.require(text, what, maxInputChars);
  }

  @Override
  protected Map<String, Tensor> collate(List<F> batch) {
    return TokenBatch.collate(batch, padId);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    return session.run(inputs, output());
  }
}
