package io.sparkformers.inference.task;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.model.ModelFolderException;
import java.util.Arrays;
import java.util.List;

/**
 * The post-processing of a [batch, labels] logits output that text and image classification
 * share: id2label checked against the graph's width, function_to_apply defaulted from the config,
 * the top_k labels of a row.
 */
public final class ClassificationHead {
  private final List<String> labels;
  private final ClassScores.Function function;
  private final int topK;

  /**
   * @param functionToApply softmax / sigmoid / none; null for the model's default
   * @param topK labels per row; negative for all
   */
  public ClassificationHead(ModelBundle bundle, ModelSession session, String output, String functionToApply, int topK) {
    long[] shape = session.outputShape(output);
    if (shape.length != 2 || shape[1] <= 0) {
      throw new ModelFolderException("a classification graph outputs logits [batch, labels], got "
          + output + " " + Arrays.toString(shape));
    }
    int numLabels = (int) shape[1];
    List<String> configured = bundle.labels();
    if (!configured.isEmpty() && configured.size() != numLabels) {
      throw new ModelFolderException("config.json id2label has " + configured.size()
          + " labels but the graph outputs " + numLabels + " logits");
    }
    this.labels = configured;
    this.function = functionToApply == null
        ? ClassScores.defaultFor(bundle.problemType().orElse(null), numLabels)
        : ClassScores.parse(functionToApply);
    this.topK = topK;
  }

  /** The ranked labels of row {@code row} of a logits batch. */
  public List<LabelScore> scores(Tensor logits, int row) {
    int numLabels = logits.dim(1);
    return ClassScores.top(ClassScores.apply(function, logits.floats(), row, numLabels), labels, topK);
  }
}
