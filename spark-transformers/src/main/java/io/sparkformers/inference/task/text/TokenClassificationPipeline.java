package io.sparkformers.inference.task.text;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.text.TokenizerVocabulary;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** token-classification (NER), as transformers' TokenClassificationPipeline with a fast tokenizer. */
public final class TokenClassificationPipeline
    extends EncoderTextPipeline<String, TokenClassificationFeatures, List<TokenEntity>> {
  private final TokenClassificationDecoder decoder;
  private final TokenClassificationSettings settings;

  public TokenClassificationPipeline(
      ModelSpec.Model model, TokenClassificationSettings settings, Integer maxLength, long maxInputChars) {
    super(model, maxLength, maxInputChars);
    List<String> labels = model.bundle().labels();
    long[] shape = session.outputShape(output());
    if (shape.length != 3 || shape[2] != labels.size()) {
      throw new ModelFolderException("config.json id2label has " + labels.size()
          + " labels but the graph outputs logits " + Arrays.toString(shape)
          + " (token-classification needs [batch, tokens, labels])");
    }
    Map<Integer, String> id2label = new TreeMap<>();
    for (int i = 0; i < labels.size(); i++) id2label.put(i, labels.get(i));
    TokenizerVocabulary vocabulary = TokenizerVocabulary.of(model.bundle());
    this.decoder = new TokenClassificationDecoder(id2label, vocabulary.unknownTokenId(),
        vocabulary.continuingSubwordPrefix(), ids -> tokenizer.decode(ids, false), vocabulary.decoder());
    this.settings = settings;
  }

  @Override
  public TokenClassificationFeatures preprocess(String text) {
    String checked = checked(text, "text");
    return new TokenClassificationFeatures(checked, tokenizer.encode(checked));
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
