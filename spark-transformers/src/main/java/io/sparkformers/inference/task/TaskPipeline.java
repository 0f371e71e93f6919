package io.sparkformers.inference.task;

import io.sparkformers.inference.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One task, as a Hugging Face pipeline is: preprocess one input into features, run the model on a
 * batch of them, postprocess each row. Batching, devices, caching and Spark live outside.
 *
 * @param <I> one input (a text, an image, a clip)
 * @param <F> its pre-processed features
 * @param <O> the output record for one input
 */
public abstract class TaskPipeline<I, F extends Features, O> {

  /** Turns one raw input into model-ready features; throws {@link InvalidInputException} for bad rows. */
  public abstract F preprocess(I input);

  /** Stacks a batch into named model inputs, padded to the longest in the batch. */
  protected abstract Map<String, Tensor> collate(List<F> batch);

  /** Runs the model on collated inputs. */
  protected abstract Map<String, Tensor> forward(Map<String, Tensor> inputs);

  /** The output of one input, whose model rows start at {@code row} of the batch's outputs. */
  protected abstract O postprocess(F features, Map<String, Tensor> outputs, int row);

  /** Model rows one input occupies: 1, or more when an input is cut into windows. */
  protected int rows(F features) {
    return 1;
  }

  /**
   * Whether forward takes any number of rows and keeps at most a batch of them in the model itself
   * (generation's continuous batching), so the batcher hands it all the rows it reads ahead.
   */
  public boolean batchesContinuously() {
    return false;
  }

  /** Predicts a batch; outputs come back in the order of {@code batch}. */
  public List<O> predict(List<F> batch) {
    Map<String, Tensor> outputs = forward(collate(batch));
    List<O> results = new ArrayList<>(batch.size());
    int row = 0;
    for (F features : batch) {
      results.add(postprocess(features, outputs, row));
      row += rows(features);
    }
    return results;
  }
}
