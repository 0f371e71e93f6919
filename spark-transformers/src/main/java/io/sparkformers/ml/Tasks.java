package io.sparkformers.ml;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The stage for each Hugging Face task name, as the job and the SQL functions look them up. */
public final class Tasks {
  private static final Map<String, Supplier<InferenceStage<?, ?, ?>>> STAGES = new LinkedHashMap<>();

  static {
    STAGES.put("text-classification", TextClassifier::new);
    STAGES.put("token-classification", TokenClassifier::new);
    STAGES.put("question-answering", QuestionAnswerer::new);
    STAGES.put("feature-extraction", FeatureExtractor::new);
    STAGES.put("image-classification", ImageClassifier::new);
    STAGES.put("object-detection", ObjectDetector::new);
    STAGES.put("image-segmentation", ImageSegmenter::new);
    STAGES.put("depth-estimation", DepthEstimator::new);
    STAGES.put("audio-classification", AudioClassifier::new);
    STAGES.put("automatic-speech-recognition", SpeechRecognizer::new);
  }

  private Tasks() {}

  /** A new stage for an HF task name, e.g. "text-classification". */
  public static InferenceStage<?, ?, ?> stage(String task) {
    Supplier<InferenceStage<?, ?, ?>> s = STAGES.get(task);
    if (s == null) {
      throw new IllegalArgumentException("unknown task '" + task + "'; supported: " + String.join(", ", STAGES.keySet()));
    }
    return s.get();
  }

  public static java.util.Set<String> names() {
    return STAGES.keySet();
  }
}
