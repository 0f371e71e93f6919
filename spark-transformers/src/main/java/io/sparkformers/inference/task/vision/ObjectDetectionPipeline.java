package io.sparkformers.inference.task.vision;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.vision.Detection;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ObjectDetectionOutput;
import io.sparkformers.inference.vision.ProcessedImage;
import java.util.List;
import java.util.Map;

/**
 * object-detection, as transformers' ObjectDetectionPipeline over a DETR head
 * (DetrImageProcessor.post_process_object_detection): detections scoring above {@code threshold},
 * boxes in pixels of the original image.
 */
public final class ObjectDetectionPipeline extends ImagePipeline<List<Detection>> {
  private static final String LOGITS = "logits";
  private static final String BOXES = "pred_boxes";

  private final List<String> labels;
  private final float threshold;

  public ObjectDetectionPipeline(ModelSpec.Model model, ImageDecoder decoder, float threshold) {
    super(model, decoder, LOGITS, BOXES);
    String modelType = model.bundle().modelType();
    if (!modelType.equals("detr")) {
      throw unsupported("object-detection", modelType, "detr");
    }
    this.labels = model.bundle().labels();
    long classes = outputShape(LOGITS)[2];
    if (classes > 0 && classes != labels.size() + 1) {
      throw new ModelFolderException("config.json id2label has " + labels.size() + " labels but the graph scores "
          + classes + " classes (labels + no-object)");
    }
    this.threshold = threshold;
  }

  @Override
  protected List<Detection> postprocess(ProcessedImage image, Map<String, Tensor> outputs, int row) {
    return ObjectDetectionOutput.detections(row(outputs.get(LOGITS), row), row(outputs.get(BOXES), row), labels,
        image.originalHeight(), image.originalWidth(), threshold);
  }
}
