package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A decoder-only model (GPT-2 and the like) over left-padded prompts, as transformers feeds it in
 * generate: attention_mask marks the padding, position_ids count each row's real tokens (padding
 * gets 1, as GPT2LMHeadModel.prepare_inputs_for_generation), and every step adds one attended
 * position to every row. Each row attends to the last {@code attended[r]} positions of the shared
 * cache, so rows started later join it left-padded, and columns no kept row attends to are cut.
 */
final class CausalLmDecoding extends CachedDecoding {
  /** Cache positions (the last ones) each row attends to. */
  private int[] attended;
  private long[] nextPosition;
  /** The cache's length: its widest row's. */
  private int width;

  /**
   * @param inputIds [rows, width], each prompt at the right end
   * @param attentionMask [rows, width], 0 over the left padding
   */
  CausalLmDecoding(DecoderGraph graph, Tensor inputIds, Tensor attentionMask) {
    super(graph);
    int rows = inputIds.dim(0);
    width = inputIds.dim(1);
    long[] mask = attentionMask.longs();
    long[] positions = new long[rows * width];
    attended = new int[rows];
    nextPosition = new long[rows];
    for (int r = 0; r < rows; r++) {
      long seen = 0;
      for (int i = 0; i < width; i++) {
        int at = r * width + i;
        seen += mask[at];
        positions[at] = mask[at] == 0 ? 1 : seen - 1;
      }
      nextPosition[r] = seen;
      attended[r] = (int) seen;
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", inputIds);
    inputs.put("attention_mask", attentionMask);
    inputs.put("position_ids", Tensor.longs(positions, rows, width));
    start(inputs, Map.of(), rows);
  }

  @Override
  protected Map<String, Tensor> stepInputs(long[] tokens) {
    int rows = tokens.length;
    int masked = width + 1;
    long[] mask = new long[rows * masked];
    long[] positions = new long[rows];
    for (int r = 0; r < rows; r++) {
      attended[r]++;
      Arrays.fill(mask, (r + 1) * masked - attended[r], (r + 1) * masked, 1L);
      positions[r] = nextPosition[r]++;
    }
    width++;
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", column(tokens));
    inputs.put("attention_mask", Tensor.longs(mask, rows, masked));
    inputs.put("position_ids", Tensor.longs(positions, rows, 1));
    return inputs;
  }

  @Override
  protected void keepRows(int[] rows) {
    int[] keptAttended = new int[rows.length];
    long[] keptPosition = new long[rows.length];
    int widest = 0;
    for (int i = 0; i < rows.length; i++) {
      keptAttended[i] = attended[rows[i]];
      keptPosition[i] = nextPosition[rows[i]];
      widest = Math.max(widest, keptAttended[i]);
    }
    past.keep(rows, widest);
    attended = keptAttended;
    nextPosition = keptPosition;
    width = widest;
  }

  /** Rows join left-padded, which only a graph that reads the mask and each row's positions allows. */
  @Override
  boolean absorbs() {
    return graph.takes("attention_mask") && graph.takes("position_ids");
  }

  @Override
  void absorb(CachedDecoding joining, int[] rows) {
    CausalLmDecoding other = (CausalLmDecoding) joining;
    int[] keptAttended = Arrays.copyOf(attended, attended.length + rows.length);
    long[] keptPosition = Arrays.copyOf(nextPosition, nextPosition.length + rows.length);
    int merged = width;
    for (int i = 0; i < rows.length; i++) {
      keptAttended[attended.length + i] = other.attended[rows[i]];
      keptPosition[nextPosition.length + i] = other.nextPosition[rows[i]];
      merged = Math.max(merged, other.attended[rows[i]]);
    }
    past.append(other.past, rows, merged);
    attended = keptAttended;
    nextPosition = keptPosition;
    width = merged;
    appendLogits(other, rows);
  }
}
