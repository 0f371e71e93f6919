package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An encoder-decoder model (BART, T5, mBART, Marian): the encoder runs once over the batch, then
 * the decoder attends to its hidden states from the decoder start token on. The cross-attention
 * cache is computed at the first step and kept.
 */
final class Seq2SeqDecoding extends CachedDecoding {
  private Tensor encoderHiddenStates;
  private Tensor encoderAttentionMask;

  /**
   * @param inputIds [rows, width], right-padded source texts
   * @param attentionMask [rows, width], 0 over the padding
   */
  Seq2SeqDecoding(ModelSession encoder, DecoderGraph decoder, Tensor inputIds, Tensor attentionMask,
      long decoderStartTokenId) {
    super(decoder);
    Map<String, Tensor> source = new LinkedHashMap<>();
    source.put("input_ids", inputIds);
    source.put("attention_mask", attentionMask);
    encoderHiddenStates = encoder.run(source, "last_hidden_state").get("last_hidden_state");
    encoderAttentionMask = attentionMask;
    long[] start = new long[inputIds.dim(0)];
    Arrays.fill(start, decoderStartTokenId);
    start(stepInputs(start), start.length);
  }

  @Override
  protected Map<String, Tensor> stepInputs(long[] tokens) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", column(tokens));
    inputs.put("encoder_attention_mask", encoderAttentionMask);
    inputs.put("encoder_hidden_states", encoderHiddenStates);
    return inputs;
  }

  @Override
  protected void keepInputs(int[] rows) {
    encoderHiddenStates = encoderHiddenStates.take(rows);
    encoderAttentionMask = encoderAttentionMask.take(rows);
  }
}
