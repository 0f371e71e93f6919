package io.sparkformers.inference.vision;

/** One entry of the object-detection pipeline's output. */
public record Detection(float score, String label, BoundingBox box) {}
