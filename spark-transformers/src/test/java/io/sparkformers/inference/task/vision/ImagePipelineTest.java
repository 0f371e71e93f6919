package io.sparkformers.inference.task.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.InvalidInputException;
import io.sparkformers.inference.vision.DepthEstimate;
import io.sparkformers.inference.vision.ImageDecoder;
import io.sparkformers.inference.vision.ImageInput;
import io.sparkformers.inference.vision.ProcessedImage;
import io.sparkformers.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImagePipelineTest {
  private static final List<String> IMAGES = List.of("img_32x32.png", "img_40x56.png", "img_64x48.png");

  private static ImageInput image(String name) {
    return new ImageInput.Located(Fixtures.model("inputs/images").resolve(name).toString());
  }

  @Test
  void imagesOfDifferentProcessedShapesPredictInOneCallAsEachAlone() {
    // GLPN rounds each image down to a multiple of 32, so the three fixtures process to two shapes.
    DepthEstimationPipeline pipeline = new DepthEstimationPipeline(Fixtures.open(Fixtures.model("depth-estimation-glpn")),
        new ImageDecoder());
    List<ProcessedImage> batch = new ArrayList<>();
    for (String name : IMAGES) batch.add(pipeline.preprocess(image(name)));
    assertEquals(2, batch.stream().map(p -> List.of(p.height(), p.width())).distinct().count());
    List<DepthEstimate> together = pipeline.predict(batch);
    for (int i = 0; i < batch.size(); i++) {
      DepthEstimate alone = pipeline.predict(List.of(batch.get(i))).get(0);
      assertArrayEquals(alone.predictedDepth().data(), together.get(i).predictedDepth().data(), 1e-5f, IMAGES.get(i));
    }
  }

  @Test
  void pathsOverTheByteLimitAreInvalidRowsBeforeReading() {
    var pipeline = new DepthEstimationPipeline(Fixtures.open(Fixtures.model("depth-estimation-glpn")),
        new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, 10));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> pipeline.preprocess(image(IMAGES.get(0))));
    assertTrue(e.getMessage().contains("over the limit of 10"), e.getMessage());
  }

  @Test
  void segformerOffersOnlySemanticSegmentation() {
    ModelSpec.Model model = Fixtures.open(Fixtures.model("image-segmentation-segformer"));
    var panoptic = new ImageSegmentationPipeline.Settings("panoptic", 0.9f, 0.5f, 0.5f, Set.of());
    ModelFolderException e = assertThrows(ModelFolderException.class,
        () -> new ImageSegmentationPipeline(model, new ImageDecoder(), panoptic));
    assertTrue(e.getMessage().contains("segformer"), e.getMessage());
    var unset = new ImageSegmentationPipeline.Settings(null, 0.9f, 0.5f, 0.5f, Set.of());
    assertEquals(ImageSegmentationPipeline.Subtask.SEMANTIC,
        new ImageSegmentationPipeline(model, new ImageDecoder(), unset).subtask());
    assertEquals(ImageSegmentationPipeline.Subtask.PANOPTIC, new ImageSegmentationPipeline(
        Fixtures.open(Fixtures.model("image-segmentation-mask2former")), new ImageDecoder(), unset).subtask());
  }

  @Test
  void aModelTypeWithoutDetrPostProcessingIsRefused() {
    ModelFolderException e = assertThrows(ModelFolderException.class, () -> new ObjectDetectionPipeline(
        Fixtures.open(Fixtures.model("image-classification-vit")), new ImageDecoder(), 0.5f));
    assertTrue(e.getMessage().contains("pred_boxes") || e.getMessage().contains("vit"), e.getMessage());
  }
}
