package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.ResidentRuns;
import io.sparkformers.inference.engine.ResidentTensor;
import io.sparkformers.inference.engine.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An encoder-decoder model (BART, T5, mBART, Marian): the encoder runs once over the rows, then
 * the decoder attends to its hidden states, kept in the engine, from the decoder start token on.
 * The cross-attention cache is computed at the first step and kept. Rows started apart stay apart:
 * the decoder takes no mask over its own positions, so rows of different lengths cannot share a
 * self-attention cache.
 */
final class Seq2SeqDecoding extends CachedDecoding {
  private static final String HIDDEN_STATES = "last_hidden_state";
  private static final int SOURCE_AXIS = 1;

  private ResidentTensor encoderHiddenStates;
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
    encoderHiddenStates = DecoderGraph.residentRuns(encoder).run(source, Map.of(), Set.of(), Set.of(HIDDEN_STATES))
        .kept().get(HIDDEN_STATES);
    encoderAttentionMask = attentionMask;
    long[] start = new long[inputIds.dim(0)];
    Arrays.fill(start, decoderStartTokenId);
    try {
      start(stepInputs(start), residentInputs(), start.length);
    } catch (RuntimeException e) {
      encoderHiddenStates.close();
      throw e;
    }
  }

  @Override
  protected Map<String, Tensor> stepInputs(long[] tokens) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", column(tokens));
    inputs.put("encoder_attention_mask", encoderAttentionMask);
    return inputs;
  }

  @Override
  protected Map<String, ResidentTensor> residentInputs() {
    return Map.of("encoder_hidden_states", encoderHiddenStates);
  }

  @Override
  protected void keepRows(int[] rows) {
    past.keep(rows);
    ResidentTensor kept = graph.engine().stack(List.of(new ResidentRuns.Rows(encoderHiddenStates, rows)),
        SOURCE_AXIS, encoderHiddenStates.shape()[SOURCE_AXIS]);
    encoderHiddenStates.close();
    encoderHiddenStates = kept;
    encoderAttentionMask = encoderAttentionMask.take(rows);
  }

  @Override
  boolean absorbs() {
    return false;
  }

  @Override
  void absorb(CachedDecoding joining, int[] rows) {
    throw new UnsupportedOperationException("rows of an encoder-decoder started apart cannot share a cache");
  }

  @Override
  public void close() {
    super.close();
    encoderHiddenStates.close();
  }
}
