package io.sparkformers.inference.task.generation;

import ai.djl.huggingface.tokenizers.Encoding;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.text.TextInputs;
import io.sparkformers.inference.text.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A text task that generates, shaped as transformers' generation pipelines: preprocess tokenizes,
 * collate pads, forward runs generate (the model's first step, then the search) and returns the
 * generated ids, postprocess decodes them.
 */
abstract class GenerationPipeline extends TaskPipeline<String, SourceText, String> {
  static final String SEQUENCES = "sequences";
  static final String SEQUENCE_LENGTHS = "sequence_lengths";

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
      boolean addSpecialTokens, long maxInputChars) {
    this.tokenizer = model.tokenizer(null,
        truncation ? TextTokenizer.Truncation.LONGEST_FIRST : TextTokenizer.Truncation.DO_NOT_TRUNCATE, 0, false,
        addSpecialTokens);
    this.config = config;
    this.positionLimit = positionLimit(model.bundle());
    this.generator = new Generator(config, positionLimit);
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
  public SourceText preprocess(String text) {
    String checked = TextInputs.require(text, "text", maxInputChars);
    Encoding encoding = tokenizer.encode(modelInput(checked));
    int tokens = encoding.getIds().length;
    if (tokens == 0) throw new InvalidInputException("text has no tokens");
    if (tokens > positionLimit) {
      throw new InvalidInputException("text has " + tokens + " tokens, more than the model's " + positionLimit
          + " positions; set truncation=true to cut it to the tokenizer's model_max_length");
    }
    return new SourceText(checked, encoding);
  }

  /** Runs generate and returns the generated ids, padded, with their lengths. */
  protected final Map<String, Tensor> generate(Decoding decoding, List<long[]> decoderPrompts, List<long[]> inputs) {
    List<Generated> out = generator.generate(decoding, decoderPrompts, inputs);
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
