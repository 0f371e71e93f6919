package io.sparkformers.ml;

import io.sparkformers.inference.task.generation.GenerationPipeline;
import io.sparkformers.inference.task.generation.Prompt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A stage that generates text from a text column. transformers' generate() arguments are Params
 * under their names in camelCase; one left unset keeps the model's own setting
 * (generation_config.json, then the task's task_specific_params), as an argument not passed to
 * generate does. The output is struct&lt;field:string&gt; with the field of the pipeline's record.
 * Rows are batched continuously: batchSize rows decode at once, a waiting row starting as soon as
 * one ends; maxTokensPerBatch bounds their KV cache (rows x the longest they may reach).
 */
public abstract class GenerationStage<S extends GenerationStage<S>> extends TextStage<S, Prompt, String> {
  /** Each generate() argument by its transformers name. */
  private final Map<String, Param<?>> generateArguments = new LinkedHashMap<>();

  private final IntParam maxNewTokens = argument("max_new_tokens", new IntParam(this, "maxNewTokens",
      "tokens to generate after the prompt; unset: maxLength bounds prompt and new tokens", ParamValidators.gtEq(1)));
  private final IntParam maxLength = argument("max_length", new IntParam(this, "maxLength",
      "longest output in tokens (decoder-only: prompt included); unset: the model's (transformers' default 20)",
      ParamValidators.gtEq(1)));
  private final IntParam minLength = argument("min_length", new IntParam(this, "minLength",
      "no eos before this length (decoder-only: prompt included)", ParamValidators.gtEq(0)));
  private final IntParam minNewTokens = argument("min_new_tokens", new IntParam(this, "minNewTokens",
      "no eos before this many new tokens", ParamValidators.gtEq(0)));
  private final BooleanParam doSample = argument("do_sample", new BooleanParam(this, "doSample",
      "sample each token (seeded by seed and the row's input) instead of taking the best"));
  private final DoubleParam temperature = argument("temperature", new DoubleParam(this, "temperature",
      "sampling: divides the scores", ParamValidators.gt(0)));
  private final IntParam topK = argument("top_k", new IntParam(this, "topK",
      "sampling: keep the k best tokens (transformers' default 50); 0 keeps all", ParamValidators.gtEq(0)));
  private final DoubleParam topP = argument("top_p", new DoubleParam(this, "topP",
      "sampling: keep the best tokens up to this probability", ParamValidators.inRange(0, 1, false, true)));
  private final IntParam numBeams = argument("num_beams", new IntParam(this, "numBeams",
      "beam search with this many beams; 1 is greedy search or sampling", ParamValidators.gtEq(1)));
  private final DoubleParam lengthPenalty = argument("length_penalty", new DoubleParam(this, "lengthPenalty",
      "beam search: scores are divided by length^lengthPenalty"));
  private final Param<String> earlyStopping = argument("early_stopping", new Param<>(this, "earlyStopping",
      "beam search: true stops at numBeams finished beams, false when none can do better by its current"
          + " length, never when none can do better at all",
      ParamValidators.inArray(new String[] {"true", "false", "never"})));
  private final IntParam noRepeatNgramSize = argument("no_repeat_ngram_size", new IntParam(this, "noRepeatNgramSize",
      "no n-gram of this size occurs twice; 0 for no limit", ParamValidators.gtEq(0)));
  private final DoubleParam repetitionPenalty = argument("repetition_penalty", new DoubleParam(this,
      "repetitionPenalty", "scores of tokens already present are divided (or multiplied when negative) by this",
      ParamValidators.gt(0)));
  private final IntParam seed = new IntParam(this, "seed",
      "sampling: with the row's input it picks the row's random stream, so output repeats for a seed");
  private final Param<String> maxNewTokensCol = new Param<>(this, "maxNewTokensCol",
      "integer column of each row's max_new_tokens (a null takes maxNewTokens); unset: every row takes maxNewTokens");
  private final BooleanParam continuousBatching = new BooleanParam(this, "continuousBatching",
      "expert: a waiting row starts decoding as soon as one ends; false starts a batch only when the last"
          + " one has ended (to measure what continuous batching gains); the output is the same");
  private final BooleanParam truncation = new BooleanParam(this, "truncation",
      "cut inputs to the tokenizer's model_max_length; false (transformers' default): an input longer than"
          + " the model's positions is an invalid row");

  protected GenerationStage(String uid) {
    super(uid);
    setDefault(seed, 0);
    setDefault(truncation, false);
    setDefault(continuousBatching, true);
  }

  private <P extends Param<?>> P argument(String name, P param) {
    generateArguments.put(name, param);
    return param;
  }

  /** The output record's one field: generated_text, summary_text, translation_text. */
  protected abstract String outputField();

  /** The generate() arguments set on this stage, by transformers name, with the seed. */
  protected Map<String, Object> generateArguments() {
    Map<String, Object> out = new LinkedHashMap<>();
    generateArguments.forEach((name, param) -> {
      if (isSet(param)) out.put(name, $(param));
    });
    out.put("seed", $(seed));
    return out;
  }

  protected boolean truncates() {
    return (Boolean) $(truncation);
  }

  /** Rows decoding at once and their cache budget, from batchSize and maxTokensPerBatch. */
  protected GenerationPipeline.Batching batching() {
    return new GenerationPipeline.Batching(getBatchSize(), getMaxTokensPerBatch(), (Boolean) $(continuousBatching));
  }

  protected PromptColumns prompts(StructType schema) {
    return new PromptColumns(schema, getInputCol(), isDefined(maxNewTokensCol) ? $(maxNewTokensCol) : null);
  }

  @Override
  protected void checkInputSchema(StructType schema) {
    PromptColumns.check(schema, getInputCol(), isDefined(maxNewTokensCol) ? $(maxNewTokensCol) : null);
  }

  @Override
  protected DataType outputDataType() {
    return DataTypes.createStructType(List.of(DataTypes.createStructField(outputField(), DataTypes.StringType, false)));
  }

  /** The output record of a generated text. */
  protected static Object record(String text) {
    return RowFactory.create(text);
  }

  public IntParam maxNewTokens() { return maxNewTokens; }
  public IntParam maxLength() { return maxLength; }
  public IntParam minLength() { return minLength; }
  public IntParam minNewTokens() { return minNewTokens; }
  public BooleanParam doSample() { return doSample; }
  public DoubleParam temperature() { return temperature; }
  public IntParam topK() { return topK; }
  public DoubleParam topP() { return topP; }
  public IntParam numBeams() { return numBeams; }
  public DoubleParam lengthPenalty() { return lengthPenalty; }
  public Param<String> earlyStopping() { return earlyStopping; }
  public IntParam noRepeatNgramSize() { return noRepeatNgramSize; }
  public DoubleParam repetitionPenalty() { return repetitionPenalty; }
  public IntParam seed() { return seed; }
  public BooleanParam truncation() { return truncation; }
  public Param<String> maxNewTokensCol() { return maxNewTokensCol; }
  public BooleanParam continuousBatching() { return continuousBatching; }

  public S setMaxNewTokens(int v) { set(maxNewTokens, v); return self(); }
  public S setMaxLength(int v) { set(maxLength, v); return self(); }
  public S setMinLength(int v) { set(minLength, v); return self(); }
  public S setMinNewTokens(int v) { set(minNewTokens, v); return self(); }
  public S setDoSample(boolean v) { set(doSample, v); return self(); }
  public S setTemperature(double v) { set(temperature, v); return self(); }
  public S setTopK(int v) { set(topK, v); return self(); }
  public S setTopP(double v) { set(topP, v); return self(); }
  public S setNumBeams(int v) { set(numBeams, v); return self(); }
  public S setLengthPenalty(double v) { set(lengthPenalty, v); return self(); }
  public S setEarlyStopping(String v) { set(earlyStopping, v); return self(); }
  public S setNoRepeatNgramSize(int v) { set(noRepeatNgramSize, v); return self(); }
  public S setRepetitionPenalty(double v) { set(repetitionPenalty, v); return self(); }
  public S setSeed(int v) { set(seed, v); return self(); }
  public S setTruncation(boolean v) { set(truncation, v); return self(); }
  public S setMaxNewTokensCol(String v) { set(maxNewTokensCol, v); return self(); }
  public S setContinuousBatching(boolean v) { set(continuousBatching, v); return self(); }
}
