package io.sparkformers.inference.vision;

/** A box in pixels of the original image, truncated to ints as the object-detection pipeline's {@code box.int()}. */
public record BoundingBox(int xmin, int ymin, int xmax, int ymax) {}
