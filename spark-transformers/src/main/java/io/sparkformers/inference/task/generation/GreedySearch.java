package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * transformers' greedy_search, and with do_sample its sample: each step every row takes its best
 * token, or one drawn from its warped distribution with the row's own random stream, until eos or
 * its length limit. A row that ends makes room for the next waiting input.
 */
final class GreedySearch {
  private final GenerationConfig config;
  private final List<LogitsProcessor> processors;
  private final List<LogitsProcessor> warpers;

  GreedySearch(GenerationConfig config) {
    this.config = config;
    this.processors = LogitsProcessors.of(config);
    this.warpers = config.doSample() ? LogitsWarpers.of(config) : List.of();
  }

  /**
   * Each step, every row picks its token; rows that end leave and waiting inputs take their places
   * (picking their first token from their first step), then the step runs: a freed place is filled
   * for the very next step.
   *
   * @param sequences one per input, extended in place
   * @param randoms one per input; used only when sampling
   * @param admission when waiting inputs join the rows decoding
   */
  List<Generated> run(Decoding decoding, List<TokenSequence> sequences, List<SplittableRandom> randoms,
      Admission admission) {
    double[] score = new double[sequences.size()];
    List<Integer> live = new ArrayList<>();
    while (true) {
      // live's rows before `picked` have picked their tokens
      int picked = 0;
      do {
        List<Integer> going = new ArrayList<>(live.subList(0, picked));
        int[] rows = new int[live.size()];
        for (int r = 0; r < picked; r++) rows[r] = r;
        int kept = picked;
        for (int r = picked; r < live.size(); r++) {
          int i = live.get(r);
          TokenSequence s = sequences.get(i);
          score[i] += pick(s, decoding.logits(r), randoms.get(i));
          if (!config.isEos(s.last()) && !s.full()) {
            rows[kept++] = r;
            going.add(i);
          }
        }
        if (kept < live.size()) decoding.keep(Arrays.copyOf(rows, kept));
        live = going;
        picked = live.size();
        for (int i : admission.admit(live)) live.add(i);
      } while (picked < live.size());
      if (live.isEmpty()) break;
      long[] tokens = new long[live.size()];
      for (int r = 0; r < tokens.length; r++) tokens[r] = sequences.get(live.get(r)).last();
      decoding.append(tokens);
    }
    List<Generated> out = new ArrayList<>(sequences.size());
    for (int i = 0; i < sequences.size(); i++) out.add(new Generated(sequences.get(i).generated(), score[i]));
    return out;
  }

  /** Appends the row's next token to {@code s}; returns its log-probability. */
  private double pick(TokenSequence s, float[] scores, SplittableRandom random) {
    for (LogitsProcessor p : processors) p.process(s, scores);
    float logSum = Scores.logSumExp(scores);
    int token = config.doSample() ? draw(s, scores.clone(), random) : Scores.argmax(scores);
    s.append(token);
    return scores[token] - logSum;
  }

  /** torch.multinomial over softmax of the warped scores, from the row's random stream. */
  private int draw(TokenSequence s, float[] scores, SplittableRandom random) {
    for (LogitsProcessor w : warpers) w.process(s, scores);
    float[] probs = Scores.softmax(scores);
    double u = random.nextDouble();
    double cumulative = 0;
    int last = 0;
    for (int t = 0; t < probs.length; t++) {
      if (probs[t] <= 0) continue;
      cumulative += probs[t];
      last = t;
      if (u < cumulative) return t;
    }
    return last;
  }
}
