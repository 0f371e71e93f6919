package io.sparkformers.inference.text;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stacks tokenized inputs into input_ids / attention_mask / token_type_ids, padded to the longest. */
public final class TokenBatch {
  private TokenBatch() {}

  public static Map<String, Tensor> collate(List<? extends Tokenized> batch, long padId) {
    return collate(batch, padId, false);
  }

  /**
   * @param padLeft pad before each sequence rather than after, as generation with a decoder-only
   *     model needs: every row's last token is then at the same position
   */
  public static Map<String, Tensor> collate(List<? extends Tokenized> batch, long padId, boolean padLeft) {
    int rows = batch.size();
    int width = 1;
    for (Tokenized t : batch) width = Math.max(width, t.length());
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    long[] types = new long[rows * width];
    java.util.Arrays.fill(ids, padId);
    for (int r = 0; r < rows; r++) {
      Encoding e = batch.get(r).encoding();
      long[] rowIds = e.getIds();
      long[] rowTypes = e.getTypeIds();
      int start = r * width + (padLeft ? width - rowIds.length : 0);
      System.arraycopy(rowIds, 0, ids, start, rowIds.length);
      System.arraycopy(rowTypes, 0, types, start, rowTypes.length);
      java.util.Arrays.fill(mask, start, start + rowIds.length, 1L);
    }
    Tensor idTensor = Tensor.longs(ids, rows, width);
    Tensor maskTensor = Tensor.longs(mask, rows, width);
    Tensor typeTensor = Tensor.longs(types, rows, width);
    if (!padLeft) { // right padding can grow: a device worker may merge these rows with longer ones
      idTensor = idTensor.paddedWith(padId);
      maskTensor = maskTensor.paddedWith(0);
      typeTensor = typeTensor.paddedWith(0);
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", idTensor);
    inputs.put("attention_mask", maskTensor);
    inputs.put("token_type_ids", typeTensor);
    return inputs;
  }
}
