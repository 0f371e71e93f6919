package io.sparkformers.inference.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs of one session whose chosen outputs stay in the engine, to be fed back as inputs: what a
 * decoder needs so its cache does not go from the engine into the heap and back at every step.
 */
public interface ResidentRuns {
  /**
   * Runs the graph on Java inputs and resident ones (neither is closed).
   *
   * @param copied outputs returned as Java tensors
   * @param kept outputs left in the engine; the caller closes them
   */
  Outputs run(Map<String, Tensor> inputs, Map<String, ResidentTensor> resident, Set<String> copied, Set<String> kept);

  /** A resident copy of a Java tensor. */
  ResidentTensor upload(Tensor tensor);

  /**
   * One new tensor stacking, along axis 0, the rows {@code rows} of each part (an index may repeat),
   * each cut or left-padded with zeros along {@code axis} to its last {@code length} entries: how a
   * left-padded cache keeps, reorders, trims and merges rows. The parts stay open.
   */
  ResidentTensor stack(List<Rows> parts, int axis, long length);

  /** Resident tensors of this session not yet closed: a leak shows here. */
  int open();

  record Rows(ResidentTensor tensor, int[] rows) {}

  record Outputs(Map<String, Tensor> copied, Map<String, ResidentTensor> kept) {}
}
