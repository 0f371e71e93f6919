package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import java.io.Serializable;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A stage over one image column (see {@link ImageColumns}) with the decoding limits that guard
 * executors' memory. A task stage supplies an {@link ImageTask}: its pipeline and its output.
 */
public abstract class ImageStage<S extends ImageStage<S, O>, O> extends InferenceStage<S, ImageInput, O> {
  private final LongParam maxPixels = new LongParam(this, "maxPixels",
      "images with more pixels are invalid rows, checked from the header before decoding"
          + " (PIL's decompression-bomb limit by default)", ParamValidators.gtEq(1));
  private final LongParam maxInputBytes = new LongParam(this, "maxInputBytes",
      "encoded images (or files) larger than this are invalid rows", ParamValidators.gtEq(1));

  protected ImageStage(String uid) {
    super(uid);
    setDefault(inputCol(), "image");
    setDefault(maxPixels, ImageDecoder.DEFAULT_MAX_PIXELS);
    setDefault(maxInputBytes, ImageDecoder.DEFAULT_MAX_BYTES);
  }

  public LongParam maxPixels() { return maxPixels; }
  public LongParam maxInputBytes() { return maxInputBytes; }

  public S setMaxPixels(long v) { set(maxPixels, v); return self(); }
  public S setMaxInputBytes(long v) { set(maxInputBytes, v); return self(); }

  /** The task's pipeline and output conversion, with the stage's settings. */
  protected abstract ImageTask<O> task();

  @Override
  protected void checkInputSchema(StructType schema) {
    ImageColumns.check(schema, getInputCol());
  }

  @Override
  protected final TaskBinding<ImageInput, O> binding(StructType schema) {
    return new ImageBinding<>(new ImageColumns.Reader(schema, getInputCol()),
        new ImageDecoder((Long) $(maxPixels), (Long) $(maxInputBytes)), task());
  }

  /** What differs between image stages, shipped to executors. */
  interface ImageTask<O> extends Serializable {
    TaskPipeline<ImageInput, ?, O> pipeline(ModelSpec.Model model, ImageDecoder decoder);

    Object toSpark(O output);
  }

  private record ImageBinding<O>(ImageColumns.Reader images, ImageDecoder decoder, ImageTask<O> task)
      implements TaskBinding<ImageInput, O> {
    @Override
    public TaskPipeline<ImageInput, ?, O> pipeline(ModelSpec.Model model) {
      return task.pipeline(model, decoder.readingPathsWith(model.hadoopConf()));
    }

    @Override
    public ImageInput input(Row row) {
      return images.read(row);
    }

    @Override
    public Object toSpark(O output) {
      return task.toSpark(output);
    }
  }
}
