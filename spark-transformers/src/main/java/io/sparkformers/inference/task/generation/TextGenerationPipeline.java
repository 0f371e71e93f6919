package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * text-generation with a decoder-only model (GPT-2 and the like), as transformers'
 * TextGenerationPipeline (4.38): the prompt is tokenized without special tokens, prompts of a batch
 * are left-padded, and the output is the prompt followed by the new text (return_full_text) or the
 * new text alone. The new text is what decoding prompt + new tokens adds to decoding the prompt
 * (clean_up_tokenization_spaces on), so a word split across the boundary comes out whole.
 */
public final class TextGenerationPipeline extends GenerationPipeline {
  /**
   * @param generation transformers generate() arguments by name (max_new_tokens, do_sample, ...)
   *     over the model's generation_config.json
   * @param truncation cut prompts to the tokenizer's model_max_length (else a prompt longer than
   *     the model's positions is an invalid row)
   */
  public record Settings(Map<String, ?> generation, boolean returnFullText, boolean truncation, long maxInputChars,
      Batching batching) implements Serializable {}

  private final DecoderGraph decoder;
  private final boolean returnFullText;

  public TextGenerationPipeline(ModelSpec.Model model, Settings settings) {
    super(model, GenerationConfig.resolve(model.bundle(), "text-generation", settings.generation()),
        settings.truncation(), false, settings.maxInputChars(), settings.batching());
    this.decoder = DecoderGraph.load(model, true);
    this.returnFullText = settings.returnFullText();
  }

  @Override
  protected Map<String, Tensor> collate(List<SourceText> batch) {
    return collate(batch, true);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    Tensor ids = inputs.get("input_ids");
    Tensor mask = inputs.get("attention_mask");
    List<long[]> prompts = unpadded(ids, mask);
    return generate(inputs, rows -> {
      Map<String, Tensor> batch = padded(prompts, rows, true);
      return new CausalLmDecoding(decoder, batch.get("input_ids"), batch.get("attention_mask"));
    }, prompts, prompts, false);
  }

  @Override
  protected String postprocess(SourceText prompt, Map<String, Tensor> outputs, int row) {
    long[] promptIds = prompt.encoding().getIds();
    long[] newIds = generated(outputs, row);
    long[] all = new long[promptIds.length + newIds.length];
    System.arraycopy(promptIds, 0, all, 0, promptIds.length);
    System.arraycopy(newIds, 0, all, promptIds.length, newIds.length);
    String text = tokenizer.decode(all, true, true);
    int promptChars = Math.min(tokenizer.decode(promptIds, true, true).length(), text.length());
    String newText = text.substring(promptChars);
    return returnFullText ? prompt.text() + newText : newText;
  }
}
