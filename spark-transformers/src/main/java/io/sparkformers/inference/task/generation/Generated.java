package io.sparkformers.inference.task.generation;

/**
 * The tokens generated for one input (after its decoder prompt, eos included when it ended so) and
 * their score: the sum of the chosen tokens' log-probabilities after the logits processors; beam
 * search divides it by length^length_penalty, as transformers' sequence_scores.
 */
record Generated(long[] tokens, double score) {}
