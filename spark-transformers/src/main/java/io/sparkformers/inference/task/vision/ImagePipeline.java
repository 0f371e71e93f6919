package io.sparkformers.inference.task.vision;

import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.vision.ImageBatch;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import io.sparkformers.inference.vision.ImageProcessor;
import io.sparkformers.inference.vision.ImageProcessors;
import io.sparkformers.inference.vision.ProcessedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every vision task shares: decode within the limits, the image processor that
 * preprocessor_config.json names, one forward pass per processed shape, and the named outputs the
 * task's post-processing reads. Subclasses only post-process.
 */
public abstract class ImagePipeline<O> extends TaskPipeline<ImageInput, ProcessedImage, O> {
  private final ModelSession session;
  private final ImageDecoder decoder;
  private final ImageProcessor processor;
  private final boolean takesPixelMask;
  private final String[] outputs;

  /** @param outputs the graph outputs post-processing reads; a graph without them is refused */
  protected ImagePipeline(ModelSpec.Model model, ImageDecoder decoder, String... outputs) {
    this.session = model.session("model");
    this.decoder = decoder;
    this.processor = ImageProcessors.fromConfig(model.bundle().preprocessorConfig().orElseThrow(
        () -> new ModelFolderException("model folder " + model.bundle().dir()
            + " has no preprocessor_config.json, which an image task needs")));
    this.takesPixelMask = session.inputNames().contains(ImageBatch.PIXEL_MASK);
    for (String output : outputs) {
      if (!session.outputNames().contains(output)) {
        throw new ModelFolderException("this task reads the graph output '" + output + "'; the graph has "
            + session.outputNames());
      }
    }
    this.outputs = outputs.clone();
  }

  /** The declared shape of a graph output (-1 for dynamic axes). */
  protected final long[] outputShape(String output) {
    return session.outputShape(output);
  }

  @Override
  public ProcessedImage preprocess(ImageInput input) {
    return processor.process(input.load(decoder));
  }

  /**
   * Images of one shape stacked; a graph that takes a pixel_mask (DETR) gets an all-ones one, as
   * DetrImageProcessor gives a single image.
   */
  @Override
  protected Map<String, Tensor> collate(List<ProcessedImage> batch) {
    return takesPixelMask ? ImageBatch.pad(batch) : ImageBatch.stack(batch);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    return session.run(inputs, outputs);
  }

  /**
   * One forward pass per processed shape, results in batch order. transformers' pipelines
   * concatenate pixel_values, so a batch holds one shape; padding mixed shapes instead would
   * change what a convolutional backbone sees near the padded edge, and so the outputs.
   */
  @Override
  public List<O> predict(List<ProcessedImage> batch) {
    Map<List<Integer>, List<Integer>> byShape = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      ProcessedImage image = batch.get(i);
      byShape.computeIfAbsent(List.of(image.height(), image.width()), k -> new ArrayList<>()).add(i);
    }
    if (byShape.size() == 1) {
      return super.predict(batch);
    }
    List<O> results = new ArrayList<>(java.util.Collections.nCopies(batch.size(), null));
    for (List<Integer> indices : byShape.values()) {
      List<ProcessedImage> group = new ArrayList<>(indices.size());
      for (int i : indices) {
        group.add(batch.get(i));
      }
      List<O> predicted = super.predict(group);
      for (int k = 0; k < indices.size(); k++) {
        results.set(indices.get(k), predicted.get(k));
      }
    }
    return results;
  }

  /** Row {@code row} of a batched output: every value after the batch axis. */
  protected static float[] row(Tensor output, int row) {
    int size = output.floats().length / output.dim(0);
    return Arrays.copyOfRange(output.floats(), row * size, (row + 1) * size);
  }
}
