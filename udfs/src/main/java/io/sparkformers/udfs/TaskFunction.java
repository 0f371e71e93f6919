package io.sparkformers.udfs;

import io.sparkformers.ml.InferenceStage;
import io.sparkformers.ml.StageOptions;
import io.sparkformers.ml.Tasks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A SQL function over one task's stage: {@code name(model, inputs...[, options])}. Each input takes
 * the name of the stage's default input column, so the stage checks and reads the arguments as it
 * does columns. {@code defaults} are the options where a function differs from its stage.
 */
record TaskFunction(String name, String task, List<String> inputs, Map<String, String> defaults)
    implements java.io.Serializable {
  static final List<TaskFunction> ALL = List.of(
      new TaskFunction("hf_classify", "text-classification", List.of("text"), Map.of()),
      new TaskFunction("hf_ner", "token-classification", List.of("text"), Map.of()),
      new TaskFunction("hf_answer", "question-answering", List.of("question", "context"), Map.of()),
      // one vector per text, as sentence-transformers gives; pooling none gives the stage's vector per token
      new TaskFunction("hf_embed", "feature-extraction", List.of("text"), Map.of("pooling", "mean")),
      new TaskFunction("hf_generate", "text-generation", List.of("text"), Map.of()),
      new TaskFunction("hf_summarize", "summarization", List.of("text"), Map.of()),
      new TaskFunction("hf_translate", "translation", List.of("text"), Map.of()),
      new TaskFunction("hf_classify_image", "image-classification", List.of("image"), Map.of()),
      new TaskFunction("hf_detect_objects", "object-detection", List.of("image"), Map.of()),
      new TaskFunction("hf_segment_image", "image-segmentation", List.of("image"), Map.of()),
      new TaskFunction("hf_estimate_depth", "depth-estimation", List.of("image"), Map.of()),
      new TaskFunction("hf_classify_audio", "audio-classification", List.of("audio"), Map.of()),
      new TaskFunction("hf_transcribe", "automatic-speech-recognition", List.of("audio"), Map.of()));

  /** Stage Params that name columns or handle bad rows: a function's arguments and try_ variant do that. */
  private static final Set<String> STAGE_ONLY = Set.of("model_path", "handle_invalid", "max_tokens_per_batch",
      "sort_by_length");

  String tryName() {
    return "try_" + name;
  }

  /** The task's stage with the function's defaults, then {@code options} by their Hugging Face names. */
  InferenceStage<?, ?, ?> stage(Map<String, String> options) {
    Map<String, String> all = new LinkedHashMap<>(defaults);
    all.putAll(options);
    for (String option : all.keySet()) {
      if (STAGE_ONLY.contains(option) || option.endsWith("_col")) {
        throw new IllegalArgumentException(name + ": option '" + option + "' is the Spark stage's; a function's"
            + " arguments are its columns and " + tryName() + " turns bad rows into NULL");
      }
    }
    InferenceStage<?, ?, ?> stage = Tasks.stage(task);
    try {
      StageOptions.apply(stage, all);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    return stage;
  }
}
