package io.sparkformers.inference.task.text;

/**
 * One token or entity group, field for field as transformers' TokenClassificationPipeline returns
 * it. Exactly one of {@code entity} (aggregation none, with the token {@code index}) and {@code
 * entityGroup} (any other aggregation, {@code index} null) is set. {@code start}/{@code end} are
 * character offsets into the input text counted in Unicode code points, as Python (and Spark SQL's
 * {@code substring}) count them; end is exclusive.
 */
public record TokenEntity(
    String entity,
    String entityGroup,
    float score,
    String word,
    int start,
    int end,
    Integer index) {

  /** A single token's prediction (aggregation none). */
  public static TokenEntity token(
      String entity, float score, String word, int start, int end, int index) {
    return new TokenEntity(entity, null, score, word, start, end, index);
  }

  /** A group of adjacent tokens or words sharing one tag. */
  public static TokenEntity group(
      String entityGroup, float score, String word, int start, int end) {
    return new TokenEntity(null, entityGroup, score, word, start, end, null);
  }

  /** The label, whichever field holds it. */
  public String label() {
    return entity != null ? entity : entityGroup;
  }
}
