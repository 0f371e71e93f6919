package io.sparkformers.inference.task;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.text.TextInputs;
import io.sparkformers.inference.text.TextTokenizer;
import io.sparkformers.inference.text.TokenBatch;
import io.sparkformers.inference.text.TokenizerVocabulary;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** token-classification (NER), as transformers' TokenClassificationPipeline with a fast tokenizer. */
public final class TokenClassificationPipeline
    extends TaskPipeline<String, TokenClassificationFeatures, List<TokenEntity>> {
  private final ModelSession session;
  private final TextTokenizer tokenizer;
  private final TokenClassificationDecoder decoder;
  private final TokenClassificationSettings settings;
  private final long padId;
  private final long maxInputChars;

  public TokenClassificationPipeline(
      ModelSpec.Model model, TokenClassificationSettings settings, Integer maxLength, long maxInputChars) {
    this.session = model.session("model");
    // the pipeline truncates to model_max_length
    this.tokenizer = model.tokenizer(maxLength, TextTokenizer.Truncation.LONGEST_FIRST, 0, false);
    List<String> labels = model.bundle().labels();
    long[] shape = session.outputShape(session.outputNames().get(0));
    if (shape.length != 3 || shape[2] != labels.size()) {
      throw new ModelFolderException("config.json id2label has " + labels.size()
          + " labels but the graph outputs logits " + Arrays.toString(shape)
          + " (token-classification needs [batch, tokens, labels])");
    }
    Map<Integer, String> id2label = new TreeMap<>();
    for (int i = 0; i < labels.size(); i++) id2label.put(i, labels.get(i));
    TokenizerVocabulary vocabulary = TokenizerVocabulary.of(model.bundle());
    this.decoder = new TokenClassificationDecoder(id2label, vocabulary.unknownTokenId(),
        vocabulary.continuingSubwordPrefix(), ids -> tokenizer.decode(ids, false));
    this.settings = settings;
    this.padId = model.bundle().configInt("pad_token_id", 0);
    this.maxInputChars = maxInputChars;
  }

  @Override
  public TokenClassificationFeatures preprocess(String text) {
    String checked = TextInputs.require(text, "text", maxInputChars);
    return new TokenClassificationFeatures(checked, tokenizer.encode(checked));
  }

  @Override
  protected Map<String, Tensor> collate(List<TokenClassificationFeatures> batch) {
    return TokenBatch.collate(batch, padId);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    return session.run(inputs, session.outputNames().get(0));
  }

  @Override
  protected List<TokenEntity> postprocess(
      TokenClassificationFeatures features, Map<String, Tensor> outputs, int row) {
    Tensor logits = outputs.values().iterator().next();
    int width = logits.dim(1);
    int labels = logits.dim(2);
    int tokens = features.encoding().getIds().length;
    int from = row * width * labels;
    return decoder.postprocess(features, Arrays.copyOfRange(logits.floats(), from, from + tokens * labels), settings);
  }
}
