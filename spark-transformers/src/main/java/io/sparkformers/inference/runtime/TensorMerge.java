package io.sparkformers.inference.runtime;

import io.sparkformers.inference.engine.HeldOutputs;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * How the device worker merges the forward passes of several tasks into one: their tensors stacked
 * along the batch axis, and, for inputs that declare a padded sequence on axis 1
 * ({@link Tensor#paddedWith}), padded to the longest first, within a padding budget.
 *
 * <p>Requests merge when every graph input they feed has the batch as dim 0 and the graph declares
 * that dim symbolic, and they agree on the outputs they want, on dtypes, on pad values and on every
 * other dim but the padded sequence. The merged outputs are cut back along dim 0; when the merge
 * padded, an output whose axis 1 the graph leaves symbolic and that has the merged length is the
 * sequence and is cut back to each request's own length. An output that has neither the batch axis
 * nor a cuttable sequence fails the merge, so its requests run alone.
 */
final class TensorMerge implements CoalescingWorker.Batching<TensorMerge.Forward, Supplier<Map<String, Tensor>>> {

  /** One task's forward pass, with what merging needs to know of it. */
  static final class Forward {
    final Map<String, Tensor> inputs;
    final String[] outputs;
    final int rows;
    /** Length of the padded sequence axis; -1 when no input declares one. */
    final int sequence;
    /** What must agree for requests to merge; null when this one cannot merge. */
    final MergeKey key;
    /** Elements per row of each fed input, the sequence counted as one position. */
    final long cellsPerPosition;
    final long cellsPerRow;

    Forward(Map<String, Tensor> inputs, String[] outputs, int rows, int sequence, MergeKey key,
        long cellsPerPosition, long cellsPerRow) {
      this.inputs = inputs;
      this.outputs = outputs;
      this.rows = rows;
      this.sequence = sequence;
      this.key = key;
      this.cellsPerPosition = cellsPerPosition;
      this.cellsPerRow = cellsPerRow;
    }
  }

  private record MergeKey(List<String> outputs, Map<String, RowLayout> inputs) {}

  /** An input's dtype, pad value (null when not padded) and row shape, the padded axis as -1. */
  private record RowLayout(Tensor.Type type, Long pad, List<Long> rowShape) {}

  private final ModelSession session;
  private final long paddingBudget;
  /** Graph inputs whose dim 0 the graph leaves symbolic: the only ones that may be stacked. */
  private final Set<String> batchInputs = new LinkedHashSet<>();

  /**
   * @param paddingBudget pad cells (rows x tokens) a merge may add to reach its longest sequence;
   *     0 merges only requests of one length
   */
  TensorMerge(ModelSession session, long paddingBudget) {
    if (paddingBudget < 0) throw new IllegalArgumentException("paddingBudget must be >= 0, got " + paddingBudget);
    this.session = session;
    this.paddingBudget = paddingBudget;
    for (String input : session.inputNames()) {
      long[] shape = session.inputShape(input);
      if (shape.length > 0 && shape[0] < 0) batchInputs.add(input);
    }
  }

  Set<String> batchInputs() {
    return batchInputs;
  }

  Forward forward(Map<String, Tensor> inputs, String[] outputs) {
    Map<String, Tensor> fed = new TreeMap<>(inputs);
    fed.keySet().retainAll(session.inputNames()); // the engine ignores the others too
    int rows = fed.values().stream().filter(t -> t.shape().length > 0).findFirst().map(t -> t.dim(0)).orElse(1);
    int sequence = fed.values().stream().filter(Tensor::padded).findFirst().map(t -> t.dim(1)).orElse(-1);
    long perPosition = 0;
    long perRow = 0;
    for (Tensor t : fed.values()) {
      long cells = t.shape().length == 0 || t.dim(0) == 0 ? t.size() : t.size() / t.dim(0);
      if (t.padded() && t.dim(1) > 0) {
        perPosition = Math.max(perPosition, cells / t.dim(1));
      } else {
        perRow = Math.max(perRow, cells);
      }
    }
    return new Forward(inputs, outputs, rows, sequence, mergeKey(fed, rows, sequence, outputs), perPosition, perRow);
  }

  /** Null when the request cannot merge: an input without a symbolic batch axis of {@code rows} rows, or two sequence lengths. */
  private MergeKey mergeKey(Map<String, Tensor> fed, int rows, int sequence, String[] outputs) {
    if (fed.isEmpty()) return null;
    Map<String, RowLayout> layouts = new TreeMap<>();
    for (Map.Entry<String, Tensor> e : fed.entrySet()) {
      Tensor t = e.getValue();
      if (!batchInputs.contains(e.getKey()) || t.shape().length == 0 || t.dim(0) != rows) return null;
      List<Long> rowShape = new ArrayList<>(TensorRows.rowShape(t));
      if (t.padded()) {
        if (t.dim(1) != sequence) return null;
        rowShape.set(0, -1L);
      }
      layouts.put(e.getKey(), new RowLayout(t.type(), t.padded() ? t.padValue() : null, rowShape));
    }
    return new MergeKey(List.of(outputs), layouts);
  }

  @Override
  public int rows(Forward request) {
    return request.rows;
  }

  /** Rows x the largest row of any input, padded to the longest sequence (rows x tokens for text). */
  @Override
  public long size(List<Forward> requests) {
    Forward first = requests.get(0);
    if (requests.size() > 1 && first.key == null) return -1;
    int longest = 0;
    long rows = 0;
    long lengths = 0;
    for (Forward r : requests) {
      if (requests.size() > 1 && !first.key.equals(r.key)) return -1;
      int sequence = Math.max(r.sequence, 0);
      longest = Math.max(longest, sequence);
      rows += r.rows;
      lengths += (long) r.rows * sequence;
    }
    if (rows * longest - lengths > paddingBudget) return -1;
    return rows * Math.max(first.cellsPerRow, first.cellsPerPosition * longest);
  }

  /**
   * Runs the merged pass; each request's outputs are cut from it by the supplier, which its caller
   * calls on its own thread, so the worker's thread copies no output and the device waits less.
   * The outputs stay where the engine wrote them ({@link ModelSession#runHeld}) until every
   * request has taken its rows, so each row reaches the heap once.
   */
  @Override
  public List<Supplier<Map<String, Tensor>>> run(List<Forward> requests) {
    if (requests.size() == 1) {
      Map<String, Tensor> outputs = session.run(requests.get(0).inputs, requests.get(0).outputs);
      return List.of(() -> outputs);
    }
    int longest = requests.stream().mapToInt(r -> r.sequence).max().orElseThrow();
    boolean padded = requests.stream().anyMatch(r -> r.sequence != longest);
    Map<String, Tensor> stacked = new LinkedHashMap<>();
    for (String input : requests.get(0).key.inputs().keySet()) {
      List<Tensor> parts = new ArrayList<>(requests.size());
      for (Forward r : requests) parts.add(r.inputs.get(input));
      stacked.put(input, parts.get(0).padded() ? TensorRows.concatPadded(parts, longest) : TensorRows.concat(parts));
    }
    int total = requests.stream().mapToInt(r -> r.rows).sum();
    HeldOutputs outputs = session.runHeld(stacked, requests.get(0).outputs);
    Map<String, long[]> shapes = outputs.shapes();
    Set<String> sequences = new LinkedHashSet<>();
    try {
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        long[] shape = e.getValue();
        if (shape.length == 0 || shape[0] != total) {
          throw new IllegalStateException("output " + e.getKey() + " " + Arrays.toString(shape)
              + " has no batch axis of " + total + " rows to cut back into requests");
        }
        if (padded && shape.length > 1 && !fixedAxis1(e.getKey())) {
          if (shape[1] != longest) {
            throw new IllegalStateException("output " + e.getKey() + " " + Arrays.toString(shape)
                + " has no sequence axis of " + longest + " positions to cut the padding from");
          }
          sequences.add(e.getKey());
        }
      }
    } catch (RuntimeException e) {
      outputs.close();
      throw e;
    }
    // the last request to take its rows frees the outputs; one whose caller is gone leaves them to the collector
    AtomicInteger uncut = new AtomicInteger(requests.size());
    List<Supplier<Map<String, Tensor>>> split = new ArrayList<>(requests.size());
    int from = 0;
    for (Forward r : requests) {
      int first = from;
      split.add(() -> {
        try {
          return cut(outputs, shapes.keySet(), sequences, first, r);
        } finally {
          if (uncut.decrementAndGet() == 0) outputs.close();
        }
      });
      from += r.rows;
    }
    return split;
  }

  /** One request's rows of the merged outputs, the padding of their sequences cut off. */
  private static Map<String, Tensor> cut(HeldOutputs outputs, Set<String> names, Set<String> sequences, int from,
      Forward r) {
    Map<String, Tensor> own = new LinkedHashMap<>();
    for (String name : names) {
      int positions = sequences.contains(name) ? r.sequence : Integer.MAX_VALUE;
      own.put(name, outputs.rows(name, from, from + r.rows, positions));
    }
    return own;
  }

  /** Whether the graph declares axis 1 of this output a fixed size (labels, hidden size), so it is no sequence. */
  private boolean fixedAxis1(String output) {
    long[] declared = session.outputShape(output);
    return declared != null && declared.length > 1 && declared[1] >= 0;
  }
}
