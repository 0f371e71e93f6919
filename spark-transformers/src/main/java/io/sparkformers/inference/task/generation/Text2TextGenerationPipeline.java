package io.sparkformers.inference.task.generation;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * summarization and translation with an encoder-decoder model (BART, T5, mBART, Marian), as
 * transformers' Text2TextGenerationPipeline and its SummarizationPipeline / TranslationPipeline
 * (4.38): the task's task_specific_params entry applies (T5's "summarize: " or "translate English to
 * German: " prefix and its generation settings), the encoder runs once over the rows that start
 * decoding together, and the generated
 * ids are decoded without special tokens and without clean-up.
 */
public final class Text2TextGenerationPipeline extends GenerationPipeline {
  /**
   * @param task "summarization", or "translation" (then {@code srcLang} / {@code tgtLang} pick the
   *     entry, see {@link TranslationTarget})
   * @param prefix the text put before every input; null for the task's (T5) or none
   * @param generation transformers generate() arguments by name over the model's settings
   * @param truncation cut inputs to the tokenizer's model_max_length (else an input longer than the
   *     model's positions is an invalid row)
   */
  public record Settings(String task, String srcLang, String tgtLang, String prefix, Map<String, ?> generation,
      boolean truncation, long maxInputChars, Batching batching) implements Serializable {}

  private final ModelSession encoder;
  private final DecoderGraph decoder;
  private final String prefix;

  public Text2TextGenerationPipeline(ModelSpec.Model model, Settings settings) {
    this(model, settings, settings.task().equals("translation")
        ? TranslationTarget.resolve(model.bundle(), settings.srcLang(), settings.tgtLang())
        : new TranslationTarget(settings.task(), null));
  }

  private Text2TextGenerationPipeline(ModelSpec.Model model, Settings settings, TranslationTarget target) {
    super(model, GenerationConfig.resolve(model.bundle(), target.task(), withForcedBos(settings, target)),
        settings.truncation(), true, settings.maxInputChars(), settings.batching());
    this.encoder = model.session("encoder_model");
    this.decoder = DecoderGraph.load(model, false);
    this.prefix = settings.prefix() != null ? settings.prefix() : prefix(model, target.task());
  }

  /** The target language token forces the first token unless the caller forces another. */
  private static Map<String, ?> withForcedBos(Settings settings, TranslationTarget target) {
    if (target.forcedBosTokenId() == null || settings.generation().containsKey("forced_bos_token_id")) {
      return settings.generation();
    }
    Map<String, Object> generation = new LinkedHashMap<>(settings.generation());
    generation.put("forced_bos_token_id", target.forcedBosTokenId());
    return Collections.unmodifiableMap(generation);
  }

  /** config.prefix after the task's entry is applied, as the pipeline reads it. */
  private static String prefix(ModelSpec.Model model, String task) {
    JsonNode fromTask = GenerationConfig.taskSpecificParams(model.bundle(), task).get("prefix");
    JsonNode prefix = fromTask != null ? fromTask : model.bundle().config().get("prefix");
    return prefix == null || prefix.isNull() ? "" : prefix.asText();
  }

  @Override
  protected String modelInput(String text) {
    return prefix + text;
  }

  @Override
  protected Map<String, Tensor> collate(List<SourceText> batch) {
    return collate(batch, false);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    Tensor ids = inputs.get("input_ids");
    Tensor mask = inputs.get("attention_mask");
    long start = config.decoderStartTokenId();
    List<long[]> decoderPrompts = new ArrayList<>(Collections.nCopies(ids.dim(0), new long[] {start}));
    List<long[]> sources = unpadded(ids, mask);
    return generate(inputs, rows -> {
      Map<String, Tensor> batch = padded(sources, rows, false);
      return new Seq2SeqDecoding(encoder, decoder, batch.get("input_ids"), batch.get("attention_mask"), start);
    }, decoderPrompts, sources, true);
  }

  @Override
  protected String postprocess(SourceText source, Map<String, Tensor> outputs, int row) {
    return tokenizer.decode(generated(outputs, row), true, false);
  }
}
