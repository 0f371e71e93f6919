package io.sparkformers.inference.task.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * transformers' beam_search with its BeamSearchScorer (4.38), one returned sequence per input:
 * num_beams open beams per input, scored by the sum of their tokens' log-probabilities (processed
 * by the logits processors); a beam that picks eos among the num_beams best candidates becomes a
 * finished hypothesis; an input is done when {@link BeamHypotheses#isDone} says so or its beams
 * reach their length limit, which finishes them all. An input that ends makes room for the next
 * waiting one.
 */
final class BeamSearch {
  /** An open beam: 0 scores for the first, -1e9 for the others, so the first step expands one. */
  private static final float INITIAL_OTHER_BEAMS = -1e9f;

  private final GenerationConfig config;
  private final List<LogitsProcessor> processors;
  private final int numBeams;
  private final int candidates;

  BeamSearch(GenerationConfig config) {
    this.config = config;
    this.processors = LogitsProcessors.of(config);
    this.numBeams = config.numBeams();
    // enough candidates that num_beams of them are not eos
    this.candidates = Math.max(2, 1 + config.eosTokenIds().length) * numBeams;
  }

  /** The beams of one input. */
  private static final class Input {
    final int index;
    TokenSequence[] beams;
    float[] scores;
    final BeamHypotheses finished;
    boolean done;

    Input(int index, TokenSequence prompt, int numBeams, BeamHypotheses finished) {
      this.index = index;
      beams = new TokenSequence[numBeams];
      scores = new float[numBeams];
      for (int b = 0; b < numBeams; b++) {
        beams[b] = prompt.copy();
        scores[b] = b == 0 ? 0f : INITIAL_OTHER_BEAMS;
      }
      this.finished = finished;
    }
  }

  /** One of the best next steps of an input: extend beam {@code beam} by {@code token}. */
  private record Candidate(int beam, int token, float score) {}

  /**
   * Each step, every input picks its beams; inputs that end leave and waiting inputs take their
   * places (their first step picks their beams), then the step runs over the beams picked.
   *
   * @param sequences one per input; each decodes as num_beams rows
   * @param admission when waiting inputs join the rows decoding
   */
  List<Generated> run(Decoding decoding, List<TokenSequence> sequences, Admission admission) {
    List<Input> inputs = new ArrayList<>();
    for (int i = 0; i < sequences.size(); i++) {
      TokenSequence s = sequences.get(i);
      inputs.add(new Input(i, s, numBeams, new BeamHypotheses(config, s.maxLength(), s.promptLength())));
    }
    List<Input> live = new ArrayList<>();
    while (true) {
      List<Input> going = new ArrayList<>();
      List<Integer> parents = new ArrayList<>();
      // live's inputs before `stepped` have picked their beams
      int stepped = 0;
      do {
        for (int l = stepped; l < live.size(); l++) {
          Input in = live.get(l);
          List<Candidate> chosen = step(in, decoding, l * numBeams);
          if (in.done) continue;
          going.add(in);
          for (Candidate c : chosen) parents.add(l * numBeams + c.beam());
        }
        stepped = live.size();
      } while (admit(decoding, admission, inputs, live, going));
      decoding.keep(parents.stream().mapToInt(Integer::intValue).toArray());
      if (going.isEmpty()) break;
      long[] tokens = new long[parents.size()];
      int k = 0;
      for (Input in : going) for (TokenSequence beam : in.beams) tokens[k++] = beam.last();
      decoding.append(tokens);
      live = going;
    }
    List<Generated> out = new ArrayList<>();
    for (Input in : inputs) out.add(in.finished.best());
    return out;
  }

  /**
   * Starts the inputs the admission lets in beside those {@code going} on, one row each copied to
   * num_beams after the rows of {@code live}; returns whether any started.
   */
  private boolean admit(Decoding decoding, Admission admission, List<Input> inputs, List<Input> live,
      List<Input> going) {
    int[] started = admission.admit(going.stream().map(in -> in.index).toList());
    if (started.length == 0) return false;
    int liveRows = live.size() * numBeams;
    int[] expand = new int[liveRows + started.length * numBeams];
    for (int r = 0; r < liveRows; r++) expand[r] = r;
    for (int j = 0; j < started.length; j++) {
      Arrays.fill(expand, liveRows + j * numBeams, liveRows + (j + 1) * numBeams, liveRows + j);
      live.add(inputs.get(started[j]));
    }
    decoding.keep(expand);
    return true;
  }

  /**
   * One step of one input, as BeamSearchScorer.process then the length check: returns the
   * candidates that became its open beams.
   */
  private List<Candidate> step(Input in, Decoding decoding, int firstRow) {
    List<Candidate> best = best(in, decoding, firstRow);
    int promptLength = in.beams[0].promptLength();
    int curLen = in.beams[0].length() + 1;
    List<Candidate> open = new ArrayList<>(numBeams);
    for (int rank = 0; rank < best.size() && open.size() < numBeams; rank++) {
      Candidate c = best.get(rank);
      if (config.isEos(c.token())) {
        if (rank >= numBeams) continue;
        TokenSequence hypothesis = in.beams[c.beam()].copy();
        hypothesis.append(c.token());
        in.finished.add(hypothesis.generated(), c.score(), curLen - promptLength);
      } else {
        open.add(c);
      }
    }
    if (open.size() < numBeams) {
      throw new IllegalStateException("beam search found fewer than num_beams candidates that are not eos");
    }
    in.done = in.finished.isDone(best.get(0).score(), curLen);
    TokenSequence[] beams = new TokenSequence[numBeams];
    float[] scores = new float[numBeams];
    for (int b = 0; b < numBeams; b++) {
      Candidate c = open.get(b);
      beams[b] = in.beams[c.beam()].copy();
      beams[b].append(c.token());
      scores[b] = c.score();
    }
    in.beams = beams;
    in.scores = scores;
    if (!in.done && beams[0].full()) {
      // out of length: the open beams join the finished ones (BeamSearchScorer.finalize)
      for (int b = 0; b < numBeams; b++) {
        in.finished.add(beams[b].generated(), scores[b], beams[b].length() - promptLength);
      }
      in.done = true;
    }
    return open;
  }

  /** The best candidates over all beams of an input: log-softmax, processors, plus the beam's score. */
  private List<Candidate> best(Input in, Decoding decoding, int firstRow) {
    PriorityQueue<Candidate> top = new PriorityQueue<>(candidates + 1, BeamSearch::worseFirst);
    for (int b = 0; b < numBeams; b++) {
      float[] scores = Scores.logSoftmax(decoding.logits(firstRow + b));
      for (LogitsProcessor p : processors) p.process(in.beams[b], scores);
      for (int t = 0; t < scores.length; t++) {
        float score = scores[t] + in.scores[b];
        // candidates come in flat (beam, token) order, so an equal score ranks below those kept
        if (top.size() == candidates && score <= top.peek().score()) continue;
        top.add(new Candidate(b, t, score));
        if (top.size() > candidates) top.poll();
      }
    }
    List<Candidate> sorted = new ArrayList<>(top);
    sorted.sort((a, b) -> worseFirst(b, a));
    return sorted;
  }

  /** Orders worse candidates first: lower score, then the later in flat (beam, token) order, as torch.topk. */
  private static int worseFirst(Candidate a, Candidate b) {
    int byScore = Float.compare(a.score(), b.score());
    if (byScore != 0) return byScore;
    return Long.compare((long) b.beam() << 32 | b.token(), (long) a.beam() << 32 | a.token());
  }
}
