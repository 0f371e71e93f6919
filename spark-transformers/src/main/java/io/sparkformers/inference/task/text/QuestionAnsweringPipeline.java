package io.sparkformers.inference.task.text;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.text.TextInputs;
import io.sparkformers.inference.text.TextTokenizer;
import io.sparkformers.inference.text.TokenBatch;
import io.sparkformers.inference.text.TokenizerVocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * question-answering, as transformers' QuestionAnsweringPipeline with a fast tokenizer: the context
 * is cut into overlapping windows (doc_stride tokens shared), every window of a batch runs in one
 * forward pass, and the best spans over all windows are returned.
 */
public final class QuestionAnsweringPipeline
    extends TaskPipeline<QuestionAnsweringPipeline.Input, QuestionAnsweringFeatures, List<Answer>> {

  public record Input(String question, String context) {}

  private final ModelSession session;
  private final QuestionAnsweringPreprocessor preprocessor;
  private final QuestionAnsweringDecoder decoder = new QuestionAnsweringDecoder();
  private final QuestionAnsweringSettings settings;
  private final long padId;
  private final long maxInputChars;

  public QuestionAnsweringPipeline(ModelSpec.Model model, QuestionAnsweringSettings settings, long maxInputChars) {
    this.session = model.session("model");
    for (String output : List.of("start_logits", "end_logits")) {
      if (!session.outputNames().contains(output)) {
        throw new ModelFolderException("a question-answering graph outputs start_logits and end_logits; this one has "
            + session.outputNames());
      }
    }
    int modelMax = TextTokenizer.modelMaxLength(model.bundle());
    TextTokenizer windows = model.tokenizer(settings.resolvedMaxSeqLen(modelMax),
        TextTokenizer.Truncation.ONLY_SECOND, settings.resolvedDocStride(modelMax), true);
    this.preprocessor = new QuestionAnsweringPreprocessor(windows, TokenizerVocabulary.of(model.bundle()).clsTokenId());
    this.settings = settings;
    this.padId = model.bundle().configInt("pad_token_id", 0);
    this.maxInputChars = maxInputChars;
  }

  @Override
  public QuestionAnsweringFeatures preprocess(Input input) {
    return preprocessor.preprocess(
        TextInputs.require(input.question(), "question", maxInputChars),
        TextInputs.require(input.context(), "context", maxInputChars));
  }

  @Override
  protected int rows(QuestionAnsweringFeatures features) {
    return features.windows().size();
  }

  @Override
  protected Map<String, Tensor> collate(List<QuestionAnsweringFeatures> batch) {
    List<ContextWindow> windows = new ArrayList<>();
    for (QuestionAnsweringFeatures f : batch) windows.addAll(f.windows());
    return TokenBatch.collate(windows, padId);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    return session.run(inputs, "start_logits", "end_logits");
  }

  @Override
  protected List<Answer> postprocess(QuestionAnsweringFeatures features, Map<String, Tensor> outputs, int row) {
    Tensor start = outputs.get("start_logits");
    Tensor end = outputs.get("end_logits");
    int width = start.dim(1);
    List<float[]> starts = new ArrayList<>();
    List<float[]> ends = new ArrayList<>();
    for (int w = 0; w < features.windows().size(); w++) {
      int from = (row + w) * width;
      int length = features.windows().get(w).length();
      starts.add(Arrays.copyOfRange(start.floats(), from, from + length));
      ends.add(Arrays.copyOfRange(end.floats(), from, from + length));
    }
    return decoder.postprocess(features, starts, ends, settings);
  }
}
