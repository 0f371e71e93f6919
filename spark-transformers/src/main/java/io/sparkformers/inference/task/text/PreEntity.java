package io.sparkformers.inference.task.text;

/**
 * One non-special token with its label probabilities: the "pre_entity" dict of transformers' {@code
 * TokenClassificationPipeline.gather_pre_entities}.
 *
 * @param index position of the token in the encoding
 * @param id vocabulary id
 * @param token the token as the vocabulary spells it
 * @param word what the pipeline reports for it: the token, or the original text for an unknown
 *     token
 * @param unknown whether the token is the tokenizer's unknown token
 * @param subword whether the token continues the word of the previous token
 * @param probabilities softmax of the token's logits, one per label
 * @param start code-point offset of the token in the text
 * @param end exclusive end offset
 */
record PreEntity(
    int index,
    long id,
    String token,
    String word,
    boolean unknown,
    boolean subword,
    double[] probabilities,
    int start,
    int end) {

  /** numpy's argmax: the first index holding the maximum. */
  int argmax() {
    return argmax(probabilities);
  }

  static int argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
