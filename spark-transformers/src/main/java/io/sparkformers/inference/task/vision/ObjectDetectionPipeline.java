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
 * object-detection, as transformers' ObjectDetectionPipeline: detections scoring above
 * {@code threshold}, boxes in pixels of the original image. The head decides the post-processing:
 * a graph scoring id2label plus "no object" (DETR, YOLOS) takes a softmax per query; one scoring
 * id2label alone (Conditional, Deformable DETR) a sigmoid per query and label.
 */
public final class ObjectDetectionPipeline extends ImagePipeline<List<Detection>> {
  private static final String LOGITS = "logits";
  private static final String BOXES = "pred_boxes";

  private final List<String> labels;
  private final float threshold;

  public ObjectDetectionPipeline(ModelSpec.Model model, ImageDecoder decoder, float threshold) {
    super(model, decoder, LOGITS, BOXES);
    this.labels = model.bundle().labels();
    long classes = outputShape(LOGITS)[2];
    if (classes > 0 && classes != labels.size() + 1 && classes != labels.size()) {
      throw new ModelFolderException("config.json id2label has " + labels.size() + " labels but the graph scores "
          + classes + " classes (expected the labels, or the labels and no-object)");
    }
    this.threshold = threshold;
  }

  @Override
  protected List<Detection> postprocess(ProcessedImage image, Map<String, Tensor> outputs, int row) {
    Tensor logits = outputs.get(LOGITS);
    float[] scores = row(logits, row);
    float[] boxes = row(outputs.get(BOXES), row);
    return logits.dim(2) == labels.size()
        ? ObjectDetectionOutput.sigmoidDetections(scores, boxes, labels, image.originalHeight(), image.originalWidth(),
            threshold)
        : ObjectDetectionOutput.detections(scores, boxes, labels, image.originalHeight(), image.originalWidth(),
            threshold);
  }
}
