package io.sparkformers.inference.vision;

/** One entry of the image-classification pipeline's output. */
public record Classification(String label, float score) {}
