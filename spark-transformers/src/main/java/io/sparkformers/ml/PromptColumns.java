package io.sparkformers.ml;

import io.sparkformers.inference.task.generation.Prompt;
import java.io.Serializable;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A generation prompt: the text column, and optionally an integer column of each row's max_new_tokens. */
final class PromptColumns implements Serializable {
  private static final Set<DataType> INTEGERS = Set.of(DataTypes.ByteType, DataTypes.ShortType,
      DataTypes.IntegerType, DataTypes.LongType);

  private final TextColumns.Reader text;
  /** -1 without a max_new_tokens column. */
  private final int maxNewTokens;

  /** @param maxNewTokensCol null for none: every row takes the stage's max_new_tokens */
  PromptColumns(StructType schema, String textCol, String maxNewTokensCol) {
    this.text = new TextColumns.Reader(schema, textCol);
    this.maxNewTokens = maxNewTokensCol == null ? -1 : schema.fieldIndex(maxNewTokensCol);
  }

  static void check(StructType schema, String textCol, String maxNewTokensCol) {
    TextColumns.check(schema, textCol);
    if (maxNewTokensCol == null) return;
    DataType type = InferenceStage.columnType(schema, maxNewTokensCol);
    if (!INTEGERS.contains(type)) {
      throw new IllegalArgumentException("max_new_tokens column '" + maxNewTokensCol + "' must be an integer type,"
          + " got " + type.simpleString());
    }
  }

  /** The row's prompt; null when its text is (the row then fails as invalid); a null max_new_tokens takes the stage's. */
  Prompt read(Row row) {
    String t = text.read(row);
    if (t == null) return null;
    Integer own = maxNewTokens < 0 || row.isNullAt(maxNewTokens) ? null
        : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ((Number) row.get(maxNewTokens)).longValue()));
    return new Prompt(t, own);
  }
}
