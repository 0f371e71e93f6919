package io.sparkformers.inference.task;

/** One class and its score, as HF classification pipelines return {"label", "score"}. */
public record LabelScore(String label, float score) {}
