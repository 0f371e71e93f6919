package io.sparkformers.inference.task.text;

/**
 * One answer, as transformers' QuestionAnsweringPipeline returns it: {@code start}/{@code end} are
 * code-point offsets into the context (end exclusive) and {@code answer} is that slice of it; the
 * impossible answer is {@code ("", 0, 0)}.
 */
public record Answer(float score, int start, int end, String answer) {}
