package io.sparkformers.ml;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The stage for each Hugging Face task name, as the job and the SQL functions look them up. */
public final class Tasks {
  private static final Map<String, Supplier<InferenceStage<?, ?, ?>>> STAGES = new LinkedHashMap<>();
  /** transformers' translation_{src}_to_{tgt} task names, e.g. translation_en_to_de. */
  private static final Pattern TRANSLATION_PAIR = Pattern.compile("translation_([^_]+)_to_([^_]+)");

  static {
    STAGES.put("text-classification", TextClassifier::new);
    STAGES.put("token-classification", TokenClassifier::new);
    STAGES.put("question-answering", QuestionAnswerer::new);
    STAGES.put("feature-extraction", FeatureExtractor::new);
    STAGES.put("text-generation", TextGenerator::new);
    STAGES.put("summarization", Summarizer::new);
    STAGES.put("translation", Translator::new);
    STAGES.put("image-classification", ImageClassifier::new);
    STAGES.put("object-detection", ObjectDetector::new);
    STAGES.put("image-segmentation", ImageSegmenter::new);
    STAGES.put("depth-estimation", DepthEstimator::new);
    STAGES.put("audio-classification", AudioClassifier::new);
    STAGES.put("automatic-speech-recognition", SpeechRecognizer::new);
  }

  private Tasks() {}

  /** A new stage for an HF task name, e.g. "text-classification" or "translation_en_to_de". */
  public static InferenceStage<?, ?, ?> stage(String task) {
    Matcher pair = TRANSLATION_PAIR.matcher(task);
    if (pair.matches()) return new Translator().setSrcLang(pair.group(1)).setTgtLang(pair.group(2));
    Supplier<InferenceStage<?, ?, ?>> s = STAGES.get(task);
    if (s == null) {
      throw new IllegalArgumentException("unknown task '" + task + "'; supported: " + String.join(", ", STAGES.keySet())
          + ", translation_{src}_to_{tgt}");
    }
    return s.get();
  }

  public static java.util.Set<String> names() {
    return STAGES.keySet();
  }
}
