package io.sparkformers.inference.vision;

/** An entry of an HF post-processor's {@code segments_info}; {@code score} is null for semantic segments. */
public record SegmentInfo(int id, int labelId, boolean wasFused, Float score) {}
