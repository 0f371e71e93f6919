package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.vision.DepthEstimationPipeline;
import io.sparkformers.inference.vision.DepthEstimate;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * depth-estimation over an image column: output
 * struct&lt;predicted_depth:struct&lt;height,width,data:array&lt;float&gt;&gt;, depth:binary&gt;.
 *
 * <p>Both fields are what transformers 4.38's DepthEstimationPipeline returns, and what the goldens
 * record: {@code predicted_depth} is the model's raw map at the model's resolution (row-major
 * {@code data}), not resized to the image; {@code depth} is the 8-bit grayscale PNG of that map
 * resized bicubically to the original size and scaled so its maximum is 255. Later transformers
 * versions resize predicted_depth too; we keep the raw map, which loses nothing.
 */
public class DepthEstimator extends ImageStage<DepthEstimator, DepthEstimate> {
  private static final DataType OUTPUT = DataTypes.createStructType(List.of(
      DataTypes.createStructField("predicted_depth", DataTypes.createStructType(List.of(
          DataTypes.createStructField("height", DataTypes.IntegerType, false),
          DataTypes.createStructField("width", DataTypes.IntegerType, false),
          DataTypes.createStructField("data", DataTypes.createArrayType(DataTypes.FloatType, false), false))), false),
      DataTypes.createStructField("depth", DataTypes.BinaryType, false)));

  public DepthEstimator() {
    this(Identifiable.randomUID("DepthEstimator"));
  }

  public DepthEstimator(String uid) {
    super(uid);
  }

  @Override
  protected DataType outputDataType() {
    return OUTPUT;
  }

  @Override
  protected ImageTask<DepthEstimate> task() {
    return new Task();
  }

  private record Task() implements ImageTask<DepthEstimate> {
    @Override
    public TaskPipeline<ImageInput, ?, DepthEstimate> pipeline(ModelSpec.Model model, ImageDecoder decoder) {
      return new DepthEstimationPipeline(model, decoder);
    }

    @Override
    public Object toSpark(DepthEstimate estimate) {
      DepthEstimate.PredictedDepth raw = estimate.predictedDepth();
      return RowFactory.create(RowFactory.create(raw.height(), raw.width(), raw.data()), estimate.depth());
    }
  }

  public static MLReader<DepthEstimator> read() {
    return new DefaultParamsReader<>();
  }

  public static DepthEstimator load(String path) {
    return read().load(path);
  }
}
