package io.sparkformers.inference.task.audio;

import io.sparkformers.inference.audio.AudioFeatures;
import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.audio.AudioLimits;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.ClassScores;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.task.TaskPipeline;
import java.util.List;
import java.util.Map;

/**
 * audio-classification, as transformers 4.38's AudioClassificationPipeline: each clip decoded,
 * mixed to mono, resampled and normalized, then softmax over its logits and the top_k labels
 * (default 5, clipped to the number of labels).
 */
public final class AudioClassificationPipeline
    extends TaskPipeline<AudioInput, AudioFeatures, List<LabelScore>> {

  /** @param topK labels per clip, best first (HF default 5) */
  public record Settings(int topK, AudioLimits limits) implements java.io.Serializable {
    public static final int DEFAULT_TOP_K = 5;
  }

  private final WaveformModel model;
  private final List<String> labels;
  private final int topK;

  public AudioClassificationPipeline(ModelSpec.Model model, Settings settings) {
    this.model = new WaveformModel(model, settings.limits(), 2, "audio-classification");
    this.labels = model.bundle().labels();
    long numLabels = this.model.logitsWidth();
    if (numLabels > 0 && labels.size() != numLabels) {
      throw new ModelFolderException("config.json id2label has " + labels.size()
          + " labels but the graph outputs " + numLabels + " logits");
    }
    this.topK = Math.min(settings.topK(), labels.size());
  }

  @Override
  public AudioFeatures preprocess(AudioInput input) {
    return model.features(model.samples(input));
  }

  @Override
  protected Map<String, Tensor> collate(List<AudioFeatures> batch) {
    return model.collate(batch);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    return model.forward(inputs);
  }

  /** As postprocess in 4.38: always softmax (function_to_apply came later). */
  @Override
  protected List<LabelScore> postprocess(AudioFeatures features, Map<String, Tensor> outputs, int row) {
    Tensor logits = outputs.get(WaveformModel.LOGITS);
    float[] scores = ClassScores.apply(ClassScores.Function.SOFTMAX, logits.floats(), row, logits.dim(1));
    return ClassScores.top(scores, labels, topK);
  }
}
