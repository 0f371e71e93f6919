package io.sparkformers.inference.task.text;

import java.util.List;
import java.util.Objects;

/**
 * Post-processing settings of token classification, with the defaults of transformers'
 * TokenClassificationPipeline: {@code aggregation_strategy="none"}, {@code ignore_labels=["O"]}.
 */
public record TokenClassificationSettings(
    AggregationStrategy aggregationStrategy, List<String> ignoreLabels)
    implements java.io.Serializable {

  public static final TokenClassificationSettings DEFAULTS =
      new TokenClassificationSettings(AggregationStrategy.NONE, List.of("O"));

  public TokenClassificationSettings {
    Objects.requireNonNull(aggregationStrategy, "aggregationStrategy");
    ignoreLabels = List.copyOf(ignoreLabels);
  }

  public TokenClassificationSettings withAggregationStrategy(AggregationStrategy strategy) {
    return new TokenClassificationSettings(strategy, ignoreLabels);
  }

  public TokenClassificationSettings withIgnoreLabels(List<String> labels) {
    return new TokenClassificationSettings(aggregationStrategy, labels);
  }
}
