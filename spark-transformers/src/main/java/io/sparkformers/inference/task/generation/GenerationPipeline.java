package io.sparkformers.inference.task.generation;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.text.TextInputs;
import io.sparkformers.inference.text.TextTokenizer;
import io.sparkformers.inference.text.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A text task that generates, shaped as transformers' generation pipelines: preprocess tokenizes,
 * collate pads, forward runs generate over all the rows it is given, continuously batched (at most
 * {@link Batching#inputsAtOnce} decoding at once, a waiting row starting when one ends), and returns
 * the generated ids; postprocess decodes them.
 */
public abstract class GenerationPipeline extends TaskPipeline<Prompt, SourceText, String> {
  static final String SEQUENCES = "sequences";
  static final String SEQUENCE_LENGTHS = "sequence_lengths";
  /** Each row's own max_new_tokens, -1 for the settings'. */
  private static final String MAX_NEW_TOKENS = "max_new_tokens";

  /**
   * What bounds the memory of decoding: inputs decoding at once (each num_beams rows), and the KV
   * cache's rows x positions (0 for no limit), counted as if every row reached its longest; and
   * whether a waiting input starts when one ends (continuous) or only when all have (static, to
   * measure what continuous batching gains).
   */
  public record Batching(int inputsAtOnce, long maxCacheTokens, boolean continuous) implements java.io.Serializable {
    public Batching {
      if (inputsAtOnce < 1) throw new IllegalArgumentException("inputsAtOnce must be >= 1");
      if (maxCacheTokens < 0) throw new IllegalArgumentException("maxCacheTokens must be >= 0");
    }

    /**
     * Half the inputs decoding at once: inputs one first step starts when fewer join a shared cache,
     * and the fewest that join when each join decodes apart.
     */
    int startAhead() {
      return Math.max(1, inputsAtOnce / 2);
    }
  }

  protected final TextTokenizer tokenizer;
  protected final GenerationConfig config;
  private final Generator generator;
  private final int positionLimit;
  private final long maxInputChars;

  /**
   * @param truncation cut inputs to the tokenizer's model_max_length; otherwise an input longer than
   *     the model's positions is an invalid row (transformers' pipelines do not truncate by default,
   *     and the model fails on such an input)
   */
  protected GenerationPipeline(ModelSpec.Model model, GenerationConfig config, boolean truncation,
      boolean addSpecialTokens, long maxInputChars, Batching batching) {
    this.tokenizer = model.tokenizer(null,
        truncation ? TextTokenizer.Truncation.LONGEST_FIRST : TextTokenizer.Truncation.DO_NOT_TRUNCATE, 0, false,
        addSpecialTokens);
    this.config = config;
    this.positionLimit = positionLimit(model.bundle());
    this.generator = new Generator(config, positionLimit, batching);
    this.maxInputChars = maxInputChars;
  }

  /** The positions the model has: n_positions or max_position_embeddings; none for relative positions (T5). */
  static int positionLimit(ModelBundle bundle) {
    int n = bundle.configInt("n_positions", -1);
    if (n < 0) n = bundle.configInt("max_position_embeddings", -1);
    return n < 0 ? Integer.MAX_VALUE : n;
  }

  /** What the model reads for a text: the text itself, or with a task prefix. */
  protected String modelInput(String text) {
    return text;
  }

  @Override
  public boolean batchesContinuously() {
    return true;
  }

  @Override
  public SourceText preprocess(Prompt prompt) {
    String checked = TextInputs.require(prompt.text(), "text", maxInputChars);
    if (prompt.maxNewTokens() != null && prompt.maxNewTokens() < 1) {
      throw new InvalidInputException("max_new_tokens is " + prompt.maxNewTokens() + "; it must be >= 1");
    }
    Encoding encoding = tokenizer.encode(modelInput(checked));
    int tokens = encoding.getIds().length;
    if (tokens == 0) throw new InvalidInputException("text has no tokens");
    if (tokens > positionLimit) {
      throw new InvalidInputException("text has " + tokens + " tokens, more than the model's " + positionLimit
          + " positions; set truncation=true to cut it to the tokenizer's model_max_length");
    }
    return new SourceText(checked, encoding, prompt.maxNewTokens());
  }

  /** input_ids and attention_mask padded to the longest row, and each row's max_new_tokens. */
  protected final Map<String, Tensor> collate(List<SourceText> batch, boolean padLeft) {
    Map<String, Tensor> inputs = new LinkedHashMap<>(TokenBatch.collate(batch, config.padTokenId(), padLeft));
    long[] maxNewTokens = new long[batch.size()];
    for (int r = 0; r < batch.size(); r++) {
      Integer own = batch.get(r).maxNewTokens();
      maxNewTokens[r] = own == null ? -1 : own;
    }
    inputs.put(MAX_NEW_TOKENS, Tensor.longs(maxNewTokens, batch.size()));
    return inputs;
  }

  /**
   * Runs generate over the collated rows and returns the generated ids, padded, with their lengths.
   *
   * @param decoding starts the given rows (their first step) as one group
   * @param decoderPrompts per row, the tokens its decoder starts from
   * @param modelInputs per row, the model's input without padding
   * @param encoderDecoder whether each row's encoder output takes cache positions too
   */
  protected final Map<String, Tensor> generate(Map<String, Tensor> inputs, Function<int[], CachedDecoding> decoding,
      List<long[]> decoderPrompts, List<long[]> modelInputs, boolean encoderDecoder) {
    long[] maxNewTokens = inputs.get(MAX_NEW_TOKENS).longs();
    List<Generator.Input> rows = new ArrayList<>(decoderPrompts.size());
    for (int r = 0; r < decoderPrompts.size(); r++) {
      long[] input = modelInputs.get(r);
      rows.add(new Generator.Input(decoderPrompts.get(r), input,
          maxNewTokens[r] < 0 ? null : Math.toIntExact(maxNewTokens[r]), encoderDecoder ? input.length : 0));
    }
    List<Generated> out = generator.generate(new ContinuousDecoding(decoding), rows);
    int width = 1;
    for (Generated g : out) width = Math.max(width, g.tokens().length);
    long[] ids = new long[out.size() * width];
    long[] lengths = new long[out.size()];
    Arrays.fill(ids, config.padTokenId());
    for (int r = 0; r < out.size(); r++) {
      long[] tokens = out.get(r).tokens();
      System.arraycopy(tokens, 0, ids, r * width, tokens.length);
      lengths[r] = tokens.length;
    }
    return Map.of(SEQUENCES, Tensor.longs(ids, out.size(), width), SEQUENCE_LENGTHS, Tensor.longs(lengths, out.size()));
  }

  /** The rows {@code rows} of {@code sequences}, padded (before each row, or after) with their attention_mask. */
  protected final Map<String, Tensor> padded(List<long[]> sequences, int[] rows, boolean padLeft) {
    int width = 1;
    for (int r : rows) width = Math.max(width, sequences.get(r).length);
    long[] ids = new long[rows.length * width];
    long[] mask = new long[rows.length * width];
    Arrays.fill(ids, config.padTokenId());
    for (int i = 0; i < rows.length; i++) {
      long[] row = sequences.get(rows[i]);
      int start = i * width + (padLeft ? width - row.length : 0);
      System.arraycopy(row, 0, ids, start, row.length);
      Arrays.fill(mask, start, start + row.length, 1L);
    }
    return Map.of("input_ids", Tensor.longs(ids, rows.length, width), "attention_mask",
        Tensor.longs(mask, rows.length, width));
  }

  /** The ids generated for row {@code row}. */
  protected static long[] generated(Map<String, Tensor> outputs, int row) {
    Tensor sequences = outputs.get(SEQUENCES);
    int width = sequences.dim(1);
    int length = (int) outputs.get(SEQUENCE_LENGTHS).longs()[row];
    return Arrays.copyOfRange(sequences.longs(), row * width, row * width + length);
  }

  /** Each row's ids without the padding its attention_mask marks. */
  protected static List<long[]> unpadded(Tensor inputIds, Tensor attentionMask) {
    int rows = inputIds.dim(0);
    int width = inputIds.dim(1);
    long[] ids = inputIds.longs();
    long[] mask = attentionMask.longs();
    List<long[]> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      long[] row = new long[width];
      int n = 0;
      for (int i = r * width; i < (r + 1) * width; i++) if (mask[i] != 0) row[n++] = ids[i];
      out.add(Arrays.copyOf(row, n));
    }
    return out;
  }
}
