package io.sparkformers.inference.task.vision;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.MaskQueriesOutput;
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
 * image-segmentation, as transformers' ImageSegmentationPipeline. The head comes from the graph's
 * outputs: per-pixel {@code logits} (SegFormer, MobileViT-DeepLab, BEiT, ...: semantic only), or
 * mask queries (MaskFormer, Mask2Former: panoptic, instance or semantic). With no subtask, the
 * pipeline's choice: panoptic where the processor has it, else semantic.
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

    static Family of(ModelSpec.Model model) {
      java.util.Collection<String> outputs = model.session("model").outputNames();
      for (Family family : values()) {
        if (outputs.containsAll(List.of(family.outputs))) {
          return family;
        }
      }
      throw new ModelFolderException("image-segmentation reads per-pixel 'logits', or 'class_queries_logits' and "
          + "'masks_queries_logits'; the graph has " + outputs);
    }

    Subtask defaultSubtask() {
      return subtasks.contains(Subtask.PANOPTIC) ? Subtask.PANOPTIC : Subtask.SEMANTIC;
    }
  }

  /**
   * Mask2FormerImageProcessor's post-processing first upsamples the mask logits to 384x384, "the
   * preprocessed image size for all models"; MaskFormer's works at the masks' own size.
   */
  private static final Map<String, Integer> UPSAMPLED_MASK_SIZE = Map.of("mask2former", 384);

  private final Family family;
  private final int maskSize;
  private final Subtask subtask;
  private final Settings settings;
  private final List<String> labels;

  public ImageSegmentationPipeline(ModelSpec.Model model, ImageDecoder decoder, Settings settings) {
    super(model, decoder, Family.of(model).outputs);
    this.family = Family.of(model);
    this.maskSize = UPSAMPLED_MASK_SIZE.getOrDefault(model.bundle().modelType(), 0);
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
        case SEMANTIC -> MaskQueriesOutput.semantic(queries, height, width);
        case INSTANCE -> MaskQueriesOutput.instance(queries, height, width, settings.threshold());
        case PANOPTIC -> MaskQueriesOutput.panoptic(queries, height, width, settings.threshold(),
            settings.maskThreshold(), settings.overlapMaskAreaThreshold(), settings.labelIdsToFuse());
      };
    }
    return new Segmentation(map, labels);
  }

  private MaskQueries queries(Map<String, Tensor> outputs, int row) {
    Tensor classes = outputs.get("class_queries_logits");
    Tensor masks = outputs.get("masks_queries_logits");
    MaskQueries queries = new MaskQueries(row(classes, row), row(masks, row), classes.dim(1), classes.dim(2) - 1,
        masks.dim(2), masks.dim(3));
    return maskSize > 0 ? queries.upsampled(maskSize, maskSize) : queries;
  }
}
