package io.sparkformers.inference.task.text;

import java.util.Locale;

/**
 * How token predictions are fused into entities, as transformers' {@code AggregationStrategy} in
 * {@code pipelines/token_classification.py}.
 */
public enum AggregationStrategy {
  /** One entity per token, labelled {@code entity}, with its token {@code index}. */
  NONE,
  /** Adjacent tokens with the same tag (B- starts a new one) form an {@code entity_group}. */
  SIMPLE,
  /** As SIMPLE, but each word first takes the label of its first token. */
  FIRST,
  /** As SIMPLE, but each word first takes the argmax of its tokens' averaged scores. */
  AVERAGE,
  /** As SIMPLE, but each word first takes the label of its highest-scoring token. */
  MAX;

  /** Parses the HF name ({@code "none"}, {@code "simple"}, ...), case-insensitively. */
  public static AggregationStrategy of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
