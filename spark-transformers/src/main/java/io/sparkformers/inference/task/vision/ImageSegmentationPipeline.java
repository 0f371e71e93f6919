package io.sparkformers.inference.task.vision;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.Mask2FormerOutput;
import io.sparkformers.inference.vision.MaskQueries;
import io.sparkformers.inference.vision.ProcessedImage;
import io.sparkformers.inference.vision.Segmentation;
import io.sparkformers.inference.vision.SegmentationMap;
import io.sparkformers.inference.vision.SemanticSegmentationOutput;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * image-segmentation, as transformers' ImageSegmentationPipeline. The model family comes from
 * config.json's model_type: SegFormer heads give per-pixel logits (semantic only); Mask2Former
 * gives mask queries (panoptic, instance or semantic). With no subtask, the pipeline's choice:
 * panoptic where the processor has it, else semantic.
 */
public final class ImageSegmentationPipeline extends ImagePipeline<Segmentation> {
  public enum Subtask { SEMANTIC, INSTANCE, PANOPTIC }

  /**
   * The pipeline's arguments; HF defaults threshold 0.9, mask_threshold 0.5,
   * overlap_mask_area_threshold 0.5.
   *
   * @param subtask semantic, instance or panoptic; null for the model's default
   * @param labelIdsToFuse labels whose panoptic segments merge into one (post_process_panoptic_segmentation)
   */
  public record Settings(String subtask, float threshold, float maskThreshold, float overlapMaskAreaThreshold,
      Set<Integer> labelIdsToFuse) implements Serializable {
    public Settings {
      labelIdsToFuse = Set.copyOf(labelIdsToFuse);
    }
  }

  private enum Family {
    SEMANTIC_LOGITS(Set.of(Subtask.SEMANTIC), "logits"),
    MASK_QUERIES(Set.of(Subtask.PANOPTIC, Subtask.INSTANCE, Subtask.SEMANTIC),
        "class_queries_logits", "masks_queries_logits");

    final Set<Subtask> subtasks;
    final String[] outputs;

    Family(Set<Subtask> subtasks, String... outputs) {
      this.subtasks = subtasks;
      this.outputs = outputs;
    }

    static Family of(String modelType) {
      switch (modelType) {
        case "segformer":
          return SEMANTIC_LOGITS;
        case "mask2former":
          return MASK_QUERIES;
        default:
          throw unsupported("image-segmentation", modelType, "segformer, mask2former");
      }
    }

    Subtask defaultSubtask() {
      return subtasks.contains(Subtask.PANOPTIC) ? Subtask.PANOPTIC : Subtask.SEMANTIC;
    }
  }

  private final Family family;
  private final Subtask subtask;
  private final Settings settings;
  private final List<String> labels;

  public ImageSegmentationPipeline(ModelSpec.Model model, ImageDecoder decoder, Settings settings) {
    super(model, decoder, Family.of(model.bundle().modelType()).outputs);
    this.family = Family.of(model.bundle().modelType());
    this.subtask = settings.subtask() == null
        ? family.defaultSubtask() : Subtask.valueOf(settings.subtask().toUpperCase(Locale.ROOT));
    if (!family.subtasks.contains(subtask)) {
      throw new ModelFolderException("subtask " + subtask.name().toLowerCase(Locale.ROOT)
          + " is not supported for model_type " + model.bundle().modelType() + "; it supports " + family.subtasks);
    }
    this.settings = settings;
    this.labels = model.bundle().labels();
  }

  public Subtask subtask() {
    return subtask;
  }

  @Override
  protected Segmentation postprocess(ProcessedImage image, Map<String, Tensor> outputs, int row) {
    int height = image.originalHeight();
    int width = image.originalWidth();
    SegmentationMap map;
    if (family == Family.SEMANTIC_LOGITS) {
      Tensor logits = outputs.get("logits");
      map = SemanticSegmentationOutput.fromLogits(row(logits, row), logits.dim(1), logits.dim(2), logits.dim(3),
          height, width);
    } else {
      MaskQueries queries = queries(outputs, row);
      map = switch (subtask) {
        case SEMANTIC -> Mask2FormerOutput.semantic(queries, height, width);
        case INSTANCE -> Mask2FormerOutput.instance(queries, height, width, settings.threshold());
        case PANOPTIC -> Mask2FormerOutput.panoptic(queries, height, width, settings.threshold(),
            settings.maskThreshold(), settings.overlapMaskAreaThreshold(), settings.labelIdsToFuse());
      };
    }
    return new Segmentation(map, labels);
  }

  private static MaskQueries queries(Map<String, Tensor> outputs, int row) {
    Tensor classes = outputs.get("class_queries_logits");
    Tensor masks = outputs.get("masks_queries_logits");
    return new MaskQueries(row(classes, row), row(masks, row), classes.dim(1), classes.dim(2) - 1,
        masks.dim(2), masks.dim(3));
  }
}
