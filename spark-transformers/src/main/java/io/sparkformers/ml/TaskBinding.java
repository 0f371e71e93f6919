package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * What a stage ships to executors: how to build its pipeline from the cached model, how to read one
 * input from a row, and how to write one output as a Spark value of the stage's output type.
 */
public interface TaskBinding<I, O> extends Serializable {
  TaskPipeline<I, ?, O> pipeline(ModelSpec.Model model);

  /** The input of a row; null when the row has none (it then fails as invalid). */
  I input(Row row);

  Object toSpark(O output);
}
