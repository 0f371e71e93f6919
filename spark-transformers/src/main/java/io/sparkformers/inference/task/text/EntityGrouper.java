package io.sparkformers.inference.task.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Fuses token predictions into entity groups, as transformers 4.38 TokenClassificationPipeline's
 * {@code aggregate}, {@code aggregate_words}, {@code aggregate_word}, {@code group_entities} and
 * {@code group_sub_entities} do for every strategy but none.
 */
final class EntityGrouper {

  /** A labelled run of pre-entities {@code [from, to)}: one token, or one word. */
  private record Labelled(String label, double score, int from, int to) {}

  private final String[] labels;
  private final Function<List<PreEntity>, String> words;
  private final Optional<WordJoiner> joiner;

  /**
   * @param labels id2label, indexed by label id
   * @param words the tokenizer's {@code convert_tokens_to_string} of a run of tokens
   * @param joiner its convert_tokens_to_string of words decoded already, where that differs from
   *     decoding the words' tokens at once
   */
  EntityGrouper(String[] labels, Function<List<PreEntity>, String> words, Optional<WordJoiner> joiner) {
    this.labels = labels;
    this.words = words;
    this.joiner = joiner;
  }

  List<TokenEntity> group(List<PreEntity> tokens, AggregationStrategy strategy) {
    List<Labelled> units =
        strategy == AggregationStrategy.SIMPLE ? labelTokens(tokens) : labelWords(tokens, strategy);
    return groupEntities(tokens, units, strategy != AggregationStrategy.SIMPLE);
  }

  private List<Labelled> labelTokens(List<PreEntity> tokens) {
    List<Labelled> units = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      PreEntity token = tokens.get(i);
      int best = token.argmax();
      units.add(new Labelled(labels[best], token.probabilities()[best], i, i + 1));
    }
    return units;
  }

  /** aggregate_words: a word is a token followed by its subword tokens. */
  private List<Labelled> labelWords(List<PreEntity> tokens, AggregationStrategy strategy) {
    List<Labelled> units = new ArrayList<>();
    int from = 0;
    for (int i = 1; i <= tokens.size(); i++) {
      if (i == tokens.size() || !tokens.get(i).subword()) {
        units.add(labelWord(tokens, from, i, strategy));
        from = i;
      }
    }
    return units;
  }

  /** aggregate_word: one label and score for the tokens {@code [from, to)} of a word. */
  private Labelled labelWord(
      List<PreEntity> tokens, int from, int to, AggregationStrategy strategy) {
    double[] scores =
        switch (strategy) {
          case FIRST -> tokens.get(from).probabilities();
          case MAX -> highestScoring(tokens, from, to).probabilities();
          case AVERAGE -> averageScores(tokens, from, to);
          default -> throw new IllegalArgumentException(strategy + " does not aggregate words");
        };
    int best = PreEntity.argmax(scores);
    return new Labelled(labels[best], scores[best], from, to);
  }

  /** Python's max(entities, key=scores.max()): the first token with the highest probability. */
  private static PreEntity highestScoring(List<PreEntity> tokens, int from, int to) {
    PreEntity best = tokens.get(from);
    for (int i = from + 1; i < to; i++) {
      PreEntity token = tokens.get(i);
      if (token.probabilities()[token.argmax()] > best.probabilities()[best.argmax()]) {
        best = token;
      }
    }
    return best;
  }

  private static double[] averageScores(List<PreEntity> tokens, int from, int to) {
    double[] sum = new double[tokens.get(from).probabilities().length];
    for (int i = from; i < to; i++) {
      double[] probabilities = tokens.get(i).probabilities();
      for (int label = 0; label < sum.length; label++) {
        sum[label] += probabilities[label];
      }
    }
    for (int label = 0; label < sum.length; label++) {
      sum[label] /= to - from;
    }
    return sum;
  }

  /** group_entities: adjacent units with the same tag join, unless the next one is a B- tag. */
  private List<TokenEntity> groupEntities(List<PreEntity> tokens, List<Labelled> units, boolean ofWords) {
    List<TokenEntity> groups = new ArrayList<>();
    int first = 0;
    for (int i = 1; i <= units.size(); i++) {
      if (i == units.size() || !continues(units.get(i - 1), units.get(i))) {
        groups.add(groupSubEntities(tokens, units.subList(first, i), ofWords));
        first = i;
      }
    }
    return groups;
  }

  /** get_tag: "B-X" and "I-X" carry tag X; any other label is an I- continuation of itself. */
  private static boolean continues(Labelled previous, Labelled next) {
    boolean begins = next.label().startsWith("B-");
    return !begins && tag(next.label()).equals(tag(previous.label()));
  }

  private static String tag(String label) {
    return label.startsWith("B-") || label.startsWith("I-") ? label.substring(2) : label;
  }

  /**
   * group_sub_entities: the first unit's label after its first '-', the mean score, the words (of
   * word units: each word decoded, then the words decoded together, as aggregate_word and
   * group_sub_entities do).
   */
  private TokenEntity groupSubEntities(List<PreEntity> tokens, List<Labelled> group, boolean ofWords) {
    String label = group.get(0).label();
    String entityGroup = label.substring(label.indexOf('-') + 1);
    double score = group.stream().mapToDouble(Labelled::score).average().orElseThrow();
    List<PreEntity> span = tokens.subList(group.get(0).from(), group.get(group.size() - 1).to());
    String text = ofWords && joiner.isPresent()
        ? joiner.get().join(group.stream().map(unit -> words.apply(tokens.subList(unit.from(), unit.to()))).toList())
        : words.apply(span);
    return TokenEntity.group(
        entityGroup,
        (float) score,
        text,
        span.get(0).start(),
        span.get(span.size() - 1).end());
  }
}
