package io.sparkformers.inference.audio;

/** A decoded character or word and the logit frames [start, end) it spans. */
public record TokenSpan(String text, int start, int end) {}
