package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.generation.Prompt;
import io.sparkformers.inference.task.generation.TextGenerationPipeline;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * text-generation with a decoder-only model (GPT-2 and the like) over a string column: output
 * struct&lt;generated_text:string&gt;, the prompt followed by its continuation (returnFullText) or
 * the continuation alone. Greedy by default; sampling, beam search and the other generate()
 * arguments are {@link GenerationStage} Params.
 */
public class TextGenerator extends GenerationStage<TextGenerator> {
  private final BooleanParam returnFullText = new BooleanParam(this, "returnFullText",
      "the prompt followed by the generated text; false for the generated text alone");

  public TextGenerator() {
    this(Identifiable.randomUID("TextGenerator"));
  }

  public TextGenerator(String uid) {
    super(uid);
    setDefault(returnFullText, true);
  }

  public BooleanParam returnFullText() { return returnFullText; }

  public TextGenerator setReturnFullText(boolean v) { set(returnFullText, v); return this; }

  @Override
  protected String outputField() {
    return "generated_text";
  }

  @Override
  protected TaskBinding<Prompt, String> binding(StructType schema) {
    var settings = new TextGenerationPipeline.Settings(generateArguments(), (Boolean) $(returnFullText),
        truncates(), inputCharLimit(), batching());
    return new Binding(settings, prompts(schema));
  }

  private record Binding(TextGenerationPipeline.Settings settings, PromptColumns prompts)
      implements TaskBinding<Prompt, String> {

    @Override
    public TaskPipeline<Prompt, ?, String> pipeline(ModelSpec.Model model) {
      return new TextGenerationPipeline(model, settings);
    }

    @Override
    public Prompt input(Row row) {
      return prompts.read(row);
    }

    @Override
    public Object toSpark(String generated) {
      return record(generated);
    }
  }

  public static MLReader<TextGenerator> read() {
    return new DefaultParamsReader<>();
  }

  public static TextGenerator load(String path) {
    return read().load(path);
  }
}
