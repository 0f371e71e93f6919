package io.sparkformers.inference.vision;

/**
 * One entry of the image-segmentation pipeline's output. {@code mask} is a single-channel PNG of
 * the original size, 255 inside the segment and 0 elsewhere; {@code score} is null for semantic
 * segmentation.
 */
public record Segment(Float score, String label, byte[] mask) {}
