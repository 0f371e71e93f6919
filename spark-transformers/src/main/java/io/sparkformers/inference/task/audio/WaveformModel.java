package io.sparkformers.inference.task.audio;

import io.sparkformers.inference.audio.AudioFeatures;
import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.audio.AudioLimits;
import io.sparkformers.inference.audio.AudioModelConfig;
import io.sparkformers.inference.audio.Wav2Vec2FeatureExtractor;
import io.sparkformers.inference.engine.ModelSession;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A wav2vec2-family model as the audio pipelines run it: recognised from config.json and its
 * graph's logits, fed by its Wav2Vec2FeatureExtractor, run on batches of waveform rows.
 *
 * <p>A model that cannot mask padding (see {@link Wav2Vec2FeatureExtractor#masksPadding}) would
 * score a padded row differently from the same clip alone, which is what transformers' pipelines
 * return at their default batch_size=1; such a batch runs as groups of equal-length rows, unpadded,
 * so a row's output never depends on the rows batched with it.
 */
final class WaveformModel {
  static final String LOGITS = "logits";
  /** INT64 [rows]: the logit frames of each row's own, before the batch's rows were stacked. */
  static final String FRAMES = "frames";
  private static final String ROW_LENGTHS = "row_lengths";
  /** Prefix of a group's inputs when rows of unequal length run as groups: "group0/input_values". */
  private static final String GROUP = "group";

  private final ModelSession session;
  private final Wav2Vec2FeatureExtractor extractor;
  private final AudioModelConfig config;
  private final AudioLimits limits;
  private final String output;

  /** @param logitsRank 2 for a classification head [batch, labels], 3 for CTC [batch, frames, vocab] */
  WaveformModel(ModelSpec.Model model, AudioLimits limits, int logitsRank, String task) {
    this.config = AudioModelConfig.of(model.bundle());
    this.extractor = Wav2Vec2FeatureExtractor.of(model.bundle());
    this.session = model.session("model");
    this.limits = limits;
    this.output = session.outputNames().contains(LOGITS) ? LOGITS : session.outputNames().get(0);
    if (session.outputShape(output).length != logitsRank) {
      throw new ModelFolderException("a " + task + " graph outputs logits of rank " + logitsRank + "; this one outputs "
          + output + Arrays.toString(session.outputShape(output)));
    }
  }

  AudioModelConfig config() {
    return config;
  }

  int samplingRate() {
    return extractor.samplingRate();
  }

  /** The declared size of the logits' last axis (labels or vocabulary); -1 when dynamic. */
  long logitsWidth() {
    long[] shape = session.outputShape(output);
    return shape[shape.length - 1];
  }

  /** An input decoded, mixed to mono and resampled to the model's rate, within the limits. */
  float[] samples(AudioInput input) {
    return extractor.monoAtModelRate(input.clip(limits, extractor.samplingRate()));
  }

  /** One row's model input: its samples normalized as the extractor says. */
  AudioFeatures features(float[] samples) {
    return extractor.extract(samples);
  }

  /**
   * The rows as model inputs, with each row's length, which {@link #forward} needs: padded into one
   * batch when padding is masked or every row has the same length; otherwise collated per group of
   * equal lengths, unpadded, so no padded copy of the whole batch is ever made.
   */
  Map<String, Tensor> collate(List<AudioFeatures> rows) {
    long[] lengths = new long[rows.size()];
    for (int r = 0; r < lengths.length; r++) {
      lengths[r] = rows.get(r).inputValues().length;
    }
    Map<String, Tensor> inputs;
    if (runsPadded(lengths)) {
      inputs = extractor.collate(rows, session.inputNames());
    } else {
      inputs = new LinkedHashMap<>();
      List<List<Integer>> groups = groups(lengths);
      for (int g = 0; g < groups.size(); g++) {
        List<AudioFeatures> group = new ArrayList<>();
        for (int r : groups.get(g)) group.add(rows.get(r));
        for (Map.Entry<String, Tensor> input : extractor.collate(group, session.inputNames()).entrySet()) {
          inputs.put(GROUP + g + "/" + input.getKey(), input.getValue());
        }
      }
    }
    inputs.put(ROW_LENGTHS, Tensor.longs(lengths, lengths.length));
    return inputs;
  }

  private boolean runsPadded(long[] lengths) {
    return extractor.masksPadding(session.inputNames()) || Arrays.stream(lengths).distinct().count() == 1;
  }

  /** Row indices by length, in order of first appearance. */
  private static List<List<Integer>> groups(long[] lengths) {
    Map<Long, List<Integer>> groups = new LinkedHashMap<>();
    for (int r = 0; r < lengths.length; r++) {
      groups.computeIfAbsent(lengths[r], k -> new ArrayList<>()).add(r);
    }
    return new ArrayList<>(groups.values());
  }

  /** {@link #LOGITS} for every row, in row order, and each row's {@link #FRAMES}. */
  Map<String, Tensor> forward(Map<String, Tensor> collated) {
    Map<String, Tensor> inputs = new LinkedHashMap<>(collated);
    long[] lengths = inputs.remove(ROW_LENGTHS).longs();
    if (runsPadded(lengths)) {
      Tensor logits = session.run(inputs, output).get(output);
      long[] frames = new long[lengths.length];
      Arrays.fill(frames, logits.dim(1));
      return Map.of(LOGITS, logits, FRAMES, Tensor.longs(frames, frames.length));
    }
    List<List<Integer>> groups = groups(lengths);
    List<Tensor> outputs = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      String prefix = GROUP + g + "/";
      Map<String, Tensor> group = new LinkedHashMap<>();
      for (String name : session.inputNames()) {
        if (inputs.containsKey(prefix + name)) group.put(name, inputs.get(prefix + name));
      }
      outputs.add(session.run(group, output).get(output));
    }
    return stack(outputs, groups, lengths.length);
  }

  /**
   * Puts the groups' outputs [n, frames, ...] back in row order as [rows, max frames, ...], zeros
   * past a row's own frames (for a classification head's [n, labels] frames are its labels).
   */
  private static Map<String, Tensor> stack(List<Tensor> outputs, List<List<Integer>> groups, int rowCount) {
    Tensor first = outputs.get(0);
    long[] shape = first.shape();
    int perFrame = 1;
    for (int axis = 2; axis < shape.length; axis++) perFrame *= (int) shape[axis];
    int maxFrames = 0;
    for (Tensor t : outputs) maxFrames = Math.max(maxFrames, t.dim(1));
    float[] data = new float[rowCount * maxFrames * perFrame];
    long[] frames = new long[rowCount];
    for (int g = 0; g < outputs.size(); g++) {
      Tensor t = outputs.get(g);
      int block = t.dim(1) * perFrame;
      for (int i = 0; i < groups.get(g).size(); i++) {
        int row = groups.get(g).get(i);
        System.arraycopy(t.floats(), i * block, data, row * maxFrames * perFrame, block);
        frames[row] = t.dim(1);
      }
    }
    shape[0] = rowCount;
    shape[1] = maxFrames;
    return Map.of(LOGITS, Tensor.floats(data, shape), FRAMES, Tensor.longs(frames, rowCount));
  }
}
