package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.vision.ImageSegmentationPipeline;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import io.sparkformers.inference.vision.Segmentation;
import io.sparkformers.inference.vision.SegmentationMap;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * image-segmentation over an image column (SegFormer: semantic; Mask2Former: panoptic, instance,
 * semantic). Output, as transformers' pipeline: array&lt;struct&lt;label,score,mask&gt;&gt; with a
 * single-channel PNG mask (255 inside) of the original size per segment, score null for semantic.
 * With {@code returnLabelMap}, instead the post-processor's map:
 * struct&lt;height,width,segmentation:array&lt;int&gt;,segments_info:array&lt;struct&lt;id,label_id,label,score,was_fused&gt;&gt;&gt;,
 * segmentation holding segment ids row-major (label ids for semantic; -1 where no segment).
 */
public class ImageSegmenter extends ImageStage<ImageSegmenter, Segmentation> {
  private final Param<String> subtask = new Param<>(this, "subtask",
      "semantic, instance or panoptic; default: panoptic where the model has it, else semantic",
      ParamValidators.inArray(new String[] {"default", "semantic", "instance", "panoptic"}));
  private final DoubleParam threshold = new DoubleParam(this, "threshold",
      "min score of a query's class (panoptic, instance)", ParamValidators.inRange(0, 1));
  private final DoubleParam maskThreshold = new DoubleParam(this, "maskThreshold",
      "mask probability above which a pixel is in a query's own mask (panoptic)", ParamValidators.inRange(0, 1));
  private final DoubleParam overlapMaskAreaThreshold = new DoubleParam(this, "overlapMaskAreaThreshold",
      "min share of a query's own mask it must win to become a segment (panoptic)", ParamValidators.inRange(0, 1));
  private final IntArrayParam labelIdsToFuse = new IntArrayParam(this, "labelIdsToFuse",
      "label ids whose panoptic segments merge into one (e.g. stuff classes)");
  private final BooleanParam returnLabelMap = new BooleanParam(this, "returnLabelMap",
      "return the segment-id map and segments_info instead of one PNG mask per segment");

  private static final DataType MASKS = DataTypes.createArrayType(DataTypes.createStructType(List.of(
      DataTypes.createStructField("label", DataTypes.StringType, false),
      DataTypes.createStructField("score", DataTypes.FloatType, true),
      DataTypes.createStructField("mask", DataTypes.BinaryType, false))), false);
  private static final DataType LABEL_MAP = DataTypes.createStructType(List.of(
      DataTypes.createStructField("height", DataTypes.IntegerType, false),
      DataTypes.createStructField("width", DataTypes.IntegerType, false),
      DataTypes.createStructField("segmentation", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
      DataTypes.createStructField("segments_info", DataTypes.createArrayType(DataTypes.createStructType(List.of(
          DataTypes.createStructField("id", DataTypes.IntegerType, false),
          DataTypes.createStructField("label_id", DataTypes.IntegerType, false),
          DataTypes.createStructField("label", DataTypes.StringType, false),
          DataTypes.createStructField("score", DataTypes.FloatType, true),
          DataTypes.createStructField("was_fused", DataTypes.BooleanType, false))), false), false)));

  public ImageSegmenter() {
    this(Identifiable.randomUID("ImageSegmenter"));
  }

  public ImageSegmenter(String uid) {
    super(uid);
    setDefault(subtask, "default");
    setDefault(threshold, 0.9);
    setDefault(maskThreshold, 0.5);
    setDefault(overlapMaskAreaThreshold, 0.5);
    setDefault(labelIdsToFuse, new int[0]);
    setDefault(returnLabelMap, false);
  }

  public Param<String> subtask() { return subtask; }
  public DoubleParam threshold() { return threshold; }
  public DoubleParam maskThreshold() { return maskThreshold; }
  public DoubleParam overlapMaskAreaThreshold() { return overlapMaskAreaThreshold; }
  public IntArrayParam labelIdsToFuse() { return labelIdsToFuse; }
  public BooleanParam returnLabelMap() { return returnLabelMap; }

  public ImageSegmenter setSubtask(String v) { set(subtask, v); return this; }
  public ImageSegmenter setThreshold(double v) { set(threshold, v); return this; }
  public ImageSegmenter setMaskThreshold(double v) { set(maskThreshold, v); return this; }
  public ImageSegmenter setOverlapMaskAreaThreshold(double v) { set(overlapMaskAreaThreshold, v); return this; }
  public ImageSegmenter setLabelIdsToFuse(int... v) { set(labelIdsToFuse, v); return this; }
  public ImageSegmenter setReturnLabelMap(boolean v) { set(returnLabelMap, v); return this; }

  @Override
  protected DataType outputDataType() {
    return (Boolean) $(returnLabelMap) ? LABEL_MAP : MASKS;
  }

  @Override
  protected ImageTask<Segmentation> task() {
    String chosen = $(subtask);
    Set<Integer> fused = Arrays.stream($(labelIdsToFuse)).boxed().collect(Collectors.toSet());
    var settings = new ImageSegmentationPipeline.Settings(chosen.equals("default") ? null : chosen,
        ((Double) $(threshold)).floatValue(), ((Double) $(maskThreshold)).floatValue(),
        ((Double) $(overlapMaskAreaThreshold)).floatValue(), fused);
    return new Task(settings, (Boolean) $(returnLabelMap));
  }

  private record Task(ImageSegmentationPipeline.Settings settings, boolean labelMap) implements ImageTask<Segmentation> {
    @Override
    public TaskPipeline<ImageInput, ?, Segmentation> pipeline(ModelSpec.Model model, ImageDecoder decoder) {
      return new ImageSegmentationPipeline(model, decoder, settings);
    }

    @Override
    public Object toSpark(Segmentation segmentation) {
      if (!labelMap) {
        return SparkValues.seq(segmentation.masks(), s -> RowFactory.create(s.label(), s.score(), s.mask()));
      }
      SegmentationMap map = segmentation.map();
      return RowFactory.create(map.height(), map.width(), map.segmentIds(),
          SparkValues.seq(map.segments(), s -> RowFactory.create(s.id(), s.labelId(), segmentation.label(s),
              s.score(), s.wasFused())));
    }
  }

  public static MLReader<ImageSegmenter> read() {
    return new DefaultParamsReader<>();
  }

  public static ImageSegmenter load(String path) {
    return read().load(path);
  }
}
