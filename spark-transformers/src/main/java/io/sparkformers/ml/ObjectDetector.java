package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.vision.ObjectDetectionPipeline;
import io.sparkformers.inference.vision.Detection;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * object-detection over an image column (DETR heads): output
 * array&lt;struct&lt;label,score,box:struct&lt;xmin,ymin,xmax,ymax&gt;&gt;&gt;, boxes in integer
 * pixels of the original image, in the model's query order as transformers' pipeline returns them.
 */
public class ObjectDetector extends ImageStage<ObjectDetector, List<Detection>> {
  private final DoubleParam threshold = new DoubleParam(this, "threshold",
      "detections scoring above this are kept", ParamValidators.inRange(0, 1));

  private static final DataType BOX = DataTypes.createStructType(List.of(
      DataTypes.createStructField("xmin", DataTypes.IntegerType, false),
      DataTypes.createStructField("ymin", DataTypes.IntegerType, false),
      DataTypes.createStructField("xmax", DataTypes.IntegerType, false),
      DataTypes.createStructField("ymax", DataTypes.IntegerType, false)));
  private static final DataType DETECTIONS = DataTypes.createArrayType(DataTypes.createStructType(List.of(
      DataTypes.createStructField("label", DataTypes.StringType, false),
      DataTypes.createStructField("score", DataTypes.FloatType, false),
      DataTypes.createStructField("box", BOX, false))), false);

  public ObjectDetector() {
    this(Identifiable.randomUID("ObjectDetector"));
  }

  public ObjectDetector(String uid) {
    super(uid);
    setDefault(threshold, 0.5);
  }

  public DoubleParam threshold() { return threshold; }

  public ObjectDetector setThreshold(double v) { set(threshold, v); return this; }

  @Override
  protected DataType outputDataType() {
    return DETECTIONS;
  }

  @Override
  protected ImageTask<List<Detection>> task() {
    return new Task(((Double) $(threshold)).floatValue());
  }

  private record Task(float threshold) implements ImageTask<List<Detection>> {
    @Override
    public TaskPipeline<ImageInput, ?, List<Detection>> pipeline(ModelSpec.Model model, ImageDecoder decoder) {
      return new ObjectDetectionPipeline(model, decoder, threshold);
    }

    @Override
    public Object toSpark(List<Detection> detections) {
      return SparkValues.seq(detections, d -> RowFactory.create(d.label(), d.score(),
          RowFactory.create(d.box().xmin(), d.box().ymin(), d.box().xmax(), d.box().ymax())));
    }
  }

  public static MLReader<ObjectDetector> read() {
    return new DefaultParamsReader<>();
  }

  public static ObjectDetector load(String path) {
    return read().load(path);
  }
}
