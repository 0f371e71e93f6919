package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.generation.Prompt;
import io.sparkformers.inference.task.generation.Text2TextGenerationPipeline;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * summarization with an encoder-decoder model (BART, T5 with its "summarize: " prefix, ...) over a
 * string column: output struct&lt;summary_text:string&gt;. The model's summarization settings
 * (task_specific_params) apply; generate() arguments are {@link GenerationStage} Params.
 */
public class Summarizer extends GenerationStage<Summarizer> {

  public Summarizer() {
    this(Identifiable.randomUID("Summarizer"));
  }

  public Summarizer(String uid) {
    super(uid);
  }

  @Override
  protected String outputField() {
    return "summary_text";
  }

  @Override
  protected TaskBinding<Prompt, String> binding(StructType schema) {
    var settings = new Text2TextGenerationPipeline.Settings("summarization", null, null, null,
        generateArguments(), truncates(), inputCharLimit(), batching());
    return new Text2TextBinding(settings, prompts(schema));
  }

  /** Shared with {@link Translator}: the same pipeline, another task. */
  record Text2TextBinding(Text2TextGenerationPipeline.Settings settings, PromptColumns prompts)
      implements TaskBinding<Prompt, String> {

    @Override
    public TaskPipeline<Prompt, ?, String> pipeline(ModelSpec.Model model) {
      return new Text2TextGenerationPipeline(model, settings);
    }

    @Override
    public Prompt input(Row row) {
      return prompts.read(row);
    }

    @Override
    public Object toSpark(String text) {
      return record(text);
    }
  }

  public static MLReader<Summarizer> read() {
    return new DefaultParamsReader<>();
  }

  public static Summarizer load(String path) {
    return read().load(path);
  }
}
