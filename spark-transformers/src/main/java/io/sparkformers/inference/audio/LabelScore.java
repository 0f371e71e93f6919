package io.sparkformers.inference.audio;

/** One classification result, as the HF pipelines return it: {"label": ..., "score": ...}. */
public record LabelScore(String label, float score) {}
