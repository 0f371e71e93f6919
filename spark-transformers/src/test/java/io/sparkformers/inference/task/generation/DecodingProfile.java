package io.sparkformers.inference.task.generation;

import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.runtime.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where greedy decoding of a partition's prompts spends its time, for the generation benchmark: the
 * text-generation pipeline's decoding of a decoder-only model, continuously or statically batched,
 * on the calling thread, with its steps (runs over the rows decoding), prefills (runs starting
 * rows) and cache copies (rows leaving or joining) counted and timed; the rest is the searches' own
 * work over the logits.
 */
public final class DecodingProfile {
  /**
   * @param seconds the whole decoding
   * @param rowSteps the rows of all steps: what a step's cost per row is paid for
   * @param stepsByRows steps by the rows they run over
   * @param msPerStepByRows mean time of a step by the rows it runs over
   * @param drainSteps steps once every input has started: the end of the partition, no input waiting
   * @param drainRowsPerStep mean rows of those steps
   * @param copies cache copies: rows leaving (keep) and joining (merge)
   * @param searchSeconds the rest: the searches' work over each row's logits (processors, score, pick)
   */
  public record Figures(double seconds, long steps, long rowSteps, double msPerStep, Map<Integer, Long> stepsByRows,
      Map<Integer, Double> msPerStepByRows, long drainSteps, double drainRowsPerStep, int prefills,
      double prefillSeconds, int copies, double copySeconds, double searchSeconds) {
    /** Mean rows a step runs over. */
    public double rowsPerStep() {
      return steps == 0 ? 0 : (double) rowSteps / steps;
    }
  }

  private DecodingProfile() {}

  /** Each prompt generates its own {@code maxNewTokens} (min_new_tokens keeps eos away), {@code batch} at once. */
  public static Figures greedy(ModelSpec.Model model, List<String> prompts, List<Integer> maxNewTokens, int batch,
      boolean continuous) {
    GenerationPipeline.Batching batching = new GenerationPipeline.Batching(batch, 0, continuous);
    int longest = maxNewTokens.stream().mapToInt(Integer::intValue).max().orElse(1);
    Map<String, Object> generation = Map.of("max_new_tokens", longest, "min_new_tokens", longest);
    TextGenerationPipeline pipeline = new TextGenerationPipeline(model,
        new TextGenerationPipeline.Settings(generation, false, false, Long.MAX_VALUE, batching));
    GenerationConfig config = GenerationConfig.resolve(model.bundle(), "text-generation", generation);
    DecoderGraph graph = DecoderGraph.load(model, true);
    // as the stage's batcher hands them over: sorted by prompt length
    List<long[]> ids = new ArrayList<>();
    List<Generator.Input> inputs = new ArrayList<>();
    for (String p : prompts) ids.add(pipeline.preprocess(Prompt.of(p)).encoding().getIds());
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Integer.compare(ids.get(a).length, ids.get(b).length));
    List<long[]> sorted = new ArrayList<>();
    for (int i : order) {
      sorted.add(ids.get(i));
      inputs.add(new Generator.Input(ids.get(i), ids.get(i), maxNewTokens.get(i), 0));
    }
    Prefills prefills = new Prefills();
    Timed timed = new Timed(new ContinuousDecoding(rows -> prefills.start(pipeline, graph, sorted, rows)), prefills,
        inputs.size());
    long started = System.nanoTime();
    new Generator(config, GenerationPipeline.positionLimit(model.bundle()), batching).generate(timed, inputs);
    return timed.figures((System.nanoTime() - started) / 1e9);
  }

  /** Starts rows as the text-generation pipeline does (left-padded prompts), counting and timing it. */
  private static final class Prefills {
    int runs;
    long nanos;

    CausalLmDecoding start(GenerationPipeline pipeline, DecoderGraph graph, List<long[]> prompts, int[] rows) {
      long started = System.nanoTime();
      Map<String, Tensor> batch = pipeline.padded(prompts, rows, true);
      CausalLmDecoding d = new CausalLmDecoding(graph, batch.get("input_ids"), batch.get("attention_mask"));
      nanos += System.nanoTime() - started;
      runs++;
      return d;
    }
  }

  /** Counts and times the calls the searches make. */
  private static final class Timed implements Decoding {
    private final Decoding inner;
    private final Prefills prefills;
    /** Inputs not started yet. */
    private int waiting;
    private long steps;
    private long rowSteps;
    private long stepNanos;
    private long drainSteps;
    private long drainRowSteps;
    /** By rows: steps, nanoseconds. */
    private final Map<Integer, long[]> byRows = new TreeMap<>();
    private int copies;
    private long copyNanos;

    Timed(Decoding inner, Prefills prefills, int inputs) {
      this.inner = inner;
      this.prefills = prefills;
      this.waiting = inputs;
    }

    @Override
    public int rows() {
      return inner.rows();
    }

    @Override
    public float[] logits(int row) {
      return inner.logits(row);
    }

    @Override
    public void append(long[] tokens) {
      long started = System.nanoTime();
      inner.append(tokens);
      long took = System.nanoTime() - started;
      stepNanos += took;
      steps++;
      long[] s = byRows.computeIfAbsent(tokens.length, r -> new long[2]);
      s[0]++;
      s[1] += took;
      rowSteps += tokens.length;
      if (waiting == 0) {
        drainSteps++;
        drainRowSteps += tokens.length;
      }
    }

    @Override
    public void keep(int[] rows) {
      long started = System.nanoTime();
      inner.keep(rows);
      copyNanos += System.nanoTime() - started;
      if (rows.length > 0) copies++;
    }

    @Override
    public void join(int[] inputs, int[] ahead) {
      if (inputs.length == 0) return;
      waiting -= inputs.length;
      boolean merges = inner.rows() > 0;
      long prefilled = prefills.nanos;
      long started = System.nanoTime();
      inner.join(inputs, ahead);
      // the merge: what the join took besides the prefill
      if (merges) {
        copyNanos += System.nanoTime() - started - (prefills.nanos - prefilled);
        copies++;
      }
    }

    @Override
    public boolean joinersShareCache() {
      return inner.joinersShareCache();
    }

    @Override
    public void close() {
      inner.close();
    }

    Figures figures(double seconds) {
      Map<Integer, Long> stepsByRows = new TreeMap<>();
      Map<Integer, Double> msByRows = new TreeMap<>();
      byRows.forEach((rows, s) -> {
        stepsByRows.put(rows, s[0]);
        msByRows.put(rows, s[1] / 1e6 / s[0]);
      });
      double searchSeconds = seconds - (stepNanos + prefills.nanos + copyNanos) / 1e9;
      return new Figures(seconds, steps, rowSteps, steps == 0 ? 0 : stepNanos / 1e6 / steps, stepsByRows, msByRows, drainSteps,
          drainSteps == 0 ? 0 : (double) drainRowSteps / drainSteps, prefills.runs, prefills.nanos / 1e9, copies,
          copyNanos / 1e9, searchSeconds);
    }
  }
}
