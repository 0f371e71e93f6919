package io.sparkformers.inference.task.text;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.text.EncodedText;
import java.util.Locale;
import java.util.Map;

/**
 * feature-extraction: the encoder's last hidden state per token (HF's FeatureExtractionPipeline),
 * or one sentence vector pooled as sentence-transformers does (mean over real tokens, or CLS),
 * optionally L2-normalized.
 */
public final class FeatureExtractionPipeline extends EncoderTextPipeline<String, EncodedText, float[][]> {
  public enum Pooling { NONE, MEAN, CLS }

  public record Settings(String pooling, boolean normalize, Integer maxLength, long maxInputChars)
      implements java.io.Serializable {
    public Pooling poolingMode() {
      try {
        return Pooling.valueOf(pooling == null ? "NONE" : pooling.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pooling must be none, mean or cls, got '" + pooling + "'");
      }
    }
  }

  private final Pooling pooling;
  private final boolean normalize;

  public FeatureExtractionPipeline(ModelSpec.Model model, Settings settings) {
    super(model, settings.maxLength(), settings.maxInputChars());
    if (session.outputShape(output()).length != 3) {
      throw new ModelFolderException("feature-extraction needs a [batch, tokens, hidden] output; "
          + output() + " has rank " + session.outputShape(output()).length);
    }
    this.pooling = settings.poolingMode();
    this.normalize = settings.normalize();
  }

  public Pooling pooling() {
    return pooling;
  }

  @Override
  public EncodedText preprocess(String text) {
    return new EncodedText(tokenizer.encode(checked(text, "text")));
  }

  /** last_hidden_state as Optimum exports it, else the graph's first output. */
  @Override
  protected String output() {
    return session.outputNames().contains("last_hidden_state") ? "last_hidden_state" : super.output();
  }

  /** One row per token (pooling none), or a single pooled row. */
  @Override
  protected float[][] postprocess(EncodedText features, Map<String, Tensor> outputs, int row) {
    Tensor hidden = outputs.get(output());
    int width = hidden.dim(1);
    int dim = hidden.dim(2);
    float[] data = hidden.floats();
    int tokens = features.length();
    int base = row * width * dim;
    float[][] vectors;
    switch (pooling) {
      case CLS:
        vectors = new float[][] {java.util.Arrays.copyOfRange(data, base, base + dim)};
        break;
      case MEAN: {
        // padding positions are excluded, as sentence-transformers' Pooling weighs by attention_mask
        float[] mean = new float[dim];
        for (int t = 0; t < tokens; t++) {
          for (int d = 0; d < dim; d++) mean[d] += data[base + t * dim + d];
        }
        for (int d = 0; d < dim; d++) mean[d] /= tokens;
        vectors = new float[][] {mean};
        break;
      }
      default:
        vectors = new float[tokens][];
        for (int t = 0; t < tokens; t++) {
          vectors[t] = java.util.Arrays.copyOfRange(data, base + t * dim, base + (t + 1) * dim);
        }
    }
    if (normalize) {
      for (float[] v : vectors) l2Normalize(v);
    }
    return vectors;
  }

  private static void l2Normalize(float[] v) {
    double sum = 0;
    for (float x : v) sum += (double) x * x;
    // torch.nn.functional.normalize clamps the norm at eps=1e-12
    double norm = Math.max(Math.sqrt(sum), 1e-12);
    for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] / norm);
  }
}
