package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoder-only model (GPT-2 and the like) over left-padded prompts, as transformers feeds it in
 * generate: attention_mask marks the padding, position_ids count each row's real tokens (padding
 * gets 1, as GPT2LMHeadModel.prepare_inputs_for_generation), and every step adds one attended
 * position to every row.
 */
final class CausalLmDecoding extends CachedDecoding {
  private Tensor attentionMask;
  private long[] nextPosition;

  /**
   * @param inputIds [rows, width], each prompt at the right end
   * @param attentionMask [rows, width], 0 over the left padding
   */
  CausalLmDecoding(DecoderGraph graph, Tensor inputIds, Tensor attentionMask) {
    super(graph);
    int rows = inputIds.dim(0);
    int width = inputIds.dim(1);
    long[] mask = attentionMask.longs();
    long[] positions = new long[rows * width];
    nextPosition = new long[rows];
    for (int r = 0; r < rows; r++) {
      long seen = 0;
      for (int i = 0; i < width; i++) {
        int at = r * width + i;
        seen += mask[at];
        positions[at] = mask[at] == 0 ? 1 : seen - 1;
      }
      nextPosition[r] = seen;
    }
    this.attentionMask = attentionMask;
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", inputIds);
    inputs.put("attention_mask", attentionMask);
    inputs.put("position_ids", Tensor.longs(positions, rows, width));
    start(inputs, rows);
  }

  @Override
  protected Map<String, Tensor> stepInputs(long[] tokens) {
    int rows = tokens.length;
    int width = attentionMask.dim(1);
    long[] old = attentionMask.longs();
    long[] mask = new long[rows * (width + 1)];
    long[] positions = new long[rows];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(old, r * width, mask, r * (width + 1), width);
      mask[r * (width + 1) + width] = 1;
      positions[r] = nextPosition[r]++;
    }
    attentionMask = Tensor.longs(mask, rows, width + 1);
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", column(tokens));
    inputs.put("attention_mask", attentionMask);
    inputs.put("position_ids", Tensor.longs(positions, rows, 1));
    return inputs;
  }

  @Override
  protected void keepInputs(int[] rows) {
    attentionMask = attentionMask.take(rows);
    long[] kept = new long[rows.length];
    for (int i = 0; i < rows.length; i++) kept[i] = nextPosition[rows[i]];
    nextPosition = kept;
  }
}
