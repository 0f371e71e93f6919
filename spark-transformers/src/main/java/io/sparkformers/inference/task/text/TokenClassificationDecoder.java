package io.sparkformers.inference.task.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Turns a token-classification model's logits for one text into entities, as transformers 4.38
 * TokenClassificationPipeline.postprocess does with a fast tokenizer: softmax per token,
 * gather_pre_entities (special tokens dropped, subwords found from the offsets), aggregation, then
 * the ignore_labels filter.
 */
public final class TokenClassificationDecoder {

  private final String[] labels;
  private final OptionalLong unknownTokenId;
  private final boolean wordAware;
  private final Function<long[], String> decode;
  /** How the decoder spells the unknown token ("[UNK]", "<unk>"): where a run's text is replaced. */
  private final String unknownSpelling;
  private final EntityGrouper grouper;

  /**
   * @param id2label the model's labels by id ({@code config.json} id2label), ids 0..n-1
   * @param unknownTokenId the tokenizer's unknown-token id, if it has one
   * @param wordAware whether the tokenizer model has a continuing-subword prefix (WordPiece "##"):
   *     then a token is a subword when its text length differs from its span in the input;
   *     otherwise transformers' fallback applies: a token is a subword unless a space touches its
   *     start
   * @param decode the fast tokenizer's decoder over token ids, special tokens kept (DJL {@code
   *     decode(ids, false)}): transformers' {@code convert_tokens_to_string}
   * @param decoder the tokenizer.json decoder, which the word-level strategies run a second time over
   *     decoded words
   */
  public TokenClassificationDecoder(
      Map<Integer, String> id2label,
      OptionalLong unknownTokenId,
      boolean wordAware,
      Function<long[], String> decode,
      JsonNode decoder) {
    this.labels = new String[id2label.size()];
    for (int id = 0; id < labels.length; id++) {
      labels[id] = id2label.get(id);
      if (labels[id] == null) {
        throw new IllegalArgumentException("id2label has no label for id " + id + ": " + id2label);
      }
    }
    this.unknownTokenId = unknownTokenId;
    this.wordAware = wordAware;
    this.decode = decode;
    // the encoding's token of an unknown piece is its text for Unigram models, so the
    // decoder's spelling comes from the id
    this.unknownSpelling = unknownTokenId.isPresent()
        ? decode.apply(new long[] {unknownTokenId.getAsLong()}) : null;
    this.grouper = new EntityGrouper(labels, this::words, WordJoiner.of(decoder));
  }

  /**
   * The entities of one text.
   *
   * @param logits the model's logits for this text, row-major [tokens, labels]
   */
  public List<TokenEntity> postprocess(
      TokenClassificationFeatures features, float[] logits, TokenClassificationSettings settings) {
    int tokens = features.encoding().getIds().length;
    if (logits.length != tokens * labels.length) {
      throw new IllegalArgumentException(
          "expected " + tokens + " x " + labels.length + " logits, got " + logits.length);
    }
    List<PreEntity> preEntities = gatherPreEntities(features, logits);
    List<TokenEntity> entities =
        settings.aggregationStrategy() == AggregationStrategy.NONE
            ? tokenEntities(preEntities)
            : grouper.group(preEntities, settings.aggregationStrategy());
    entities.removeIf(entity -> settings.ignoreLabels().contains(entity.label()));
    return entities;
  }

  private List<PreEntity> gatherPreEntities(TokenClassificationFeatures features, float[] logits) {
    Encoding encoding = features.encoding();
    String text = features.text();
    long[] ids = encoding.getIds();
    long[] special = encoding.getSpecialTokenMask();
    String[] tokens = encoding.getTokens();
    CharSpan[] spans = encoding.getCharTokenSpans();
    List<PreEntity> preEntities = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      if (special[i] != 0) {
        continue;
      }
      int start = spans[i] == null ? 0 : spans[i].getStart();
      int end = spans[i] == null ? 0 : spans[i].getEnd();
      String wordRef = CodePoints.substring(text, start, end);
      boolean unknown = unknownTokenId.isPresent() && ids[i] == unknownTokenId.getAsLong();
      boolean subword = !unknown && isSubword(text, tokens[i], wordRef, start);
      preEntities.add(
          new PreEntity(
              i,
              ids[i],
              tokens[i],
              unknown ? wordRef : tokens[i],
              unknown,
              subword,
              softmax(logits, i * labels.length, labels.length),
              start,
              end));
    }
    return preEntities;
  }

  private boolean isSubword(String text, String token, String wordRef, int start) {
    if (wordAware) {
      return CodePoints.length(token) != CodePoints.length(wordRef);
    }
    // transformers' fallback: sentence[start - 1 : start + 1] holds no space
    return start > 0 && !CodePoints.substring(text, start - 1, start + 1).contains(" ");
  }

  private static double[] softmax(float[] logits, int offset, int length) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double[] probabilities = new double[length];
    double sum = 0;
    for (int i = 0; i < length; i++) {
      probabilities[i] = Math.exp(logits[offset + i] - max);
      sum += probabilities[i];
    }
    for (int i = 0; i < length; i++) {
      probabilities[i] /= sum;
    }
    return probabilities;
  }

  private List<TokenEntity> tokenEntities(List<PreEntity> preEntities) {
    List<TokenEntity> entities = new ArrayList<>(preEntities.size());
    for (PreEntity token : preEntities) {
      int best = token.argmax();
      entities.add(
          TokenEntity.token(
              labels[best],
              (float) token.probabilities()[best],
              token.word(),
              token.start(),
              token.end(),
              token.index()));
    }
    return entities;
  }

  /**
   * convert_tokens_to_string of the tokens' words. The decoder works on ids, so an unknown token
   * decodes to its vocabulary spelling, which is then replaced by the text it stood for, as
   * transformers passes that text to the decoder in its place.
   */
  private String words(List<PreEntity> run) {
    String decoded = decode.apply(run.stream().mapToLong(PreEntity::id).toArray());
    StringBuilder words = new StringBuilder(decoded.length());
    int from = 0;
    for (PreEntity token : run) {
      int at = token.unknown() ? decoded.indexOf(unknownSpelling, from) : -1;
      if (at >= 0) {
        words.append(decoded, from, at).append(token.word());
        from = at + unknownSpelling.length();
      }
    }
    return words.append(decoded, from, decoded.length()).toString();
  }
}
