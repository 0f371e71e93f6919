package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
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
   * @param sequences one per input, extended in place
   * @param randoms one per input; used only when sampling
   * @param admission when waiting inputs join the rows decoding
   */
  List<Generated> run(Decoding decoding, List<TokenSequence> sequences, List<SplittableRandom> randoms,
      Admission admission) {
    int n = sequences.size();
    double[] score = new double[n];
    List<Integer> live = new ArrayList<>();
    admit(decoding, admission, live);
    while (!live.isEmpty()) {
      List<Integer> going = new ArrayList<>();
      for (int r = 0; r < live.size(); r++) {
        int i = live.get(r);
        TokenSequence s = sequences.get(i);
        float[] scores = decoding.logits(r);
        for (LogitsProcessor p : processors) p.process(s, scores);
        float logSum = Scores.logSumExp(scores);
        int token = config.doSample() ? draw(s, scores.clone(), randoms.get(i)) : Scores.argmax(scores);
        score[i] += scores[token] - logSum;
        s.append(token);
        if (!config.isEos(token) && !s.full()) going.add(r);
      }
      int[] rows = going.stream().mapToInt(Integer::intValue).toArray();
      if (rows.length < live.size()) decoding.keep(rows);
      List<Integer> next = new ArrayList<>(rows.length);
      long[] tokens = new long[rows.length];
      for (int k = 0; k < rows.length; k++) {
        next.add(live.get(rows[k]));
        tokens[k] = sequences.get(next.get(k)).last();
      }
      live = next;
      if (!live.isEmpty()) decoding.append(tokens);
      admit(decoding, admission, live);
    }
    List<Generated> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(new Generated(sequences.get(i).generated(), score[i]));
    return out;
  }

  /** Starts the inputs the admission lets in, as rows after the live ones. */
  private static void admit(Decoding decoding, Admission admission, List<Integer> live) {
    int[] started = admission.next(live);
    decoding.join(started);
    for (int i : started) live.add(i);
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
