package io.sparkformers.inference.audio;

import io.sparkformers.inference.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * CTC logits to a transcript, as AutomaticSpeechRecognitionPipeline does for CTC models: argmax per
 * frame; for each chunk, the frames of its strides dropped (rescale_stride maps samples to frames by
 * the inputs-to-logits ratio); the chunks' tokens concatenated and decoded once; timestamps as
 * frame offset x inputs_to_logits_ratio / sampling_rate.
 */
public final class CtcTranscriber {
  private final CtcTokenizer tokenizer;
  private final int inputsToLogitsRatio;
  private final int samplingRate;

  public CtcTranscriber(CtcTokenizer tokenizer, int inputsToLogitsRatio, int samplingRate) {
    this.tokenizer = tokenizer;
    this.inputsToLogitsRatio = inputsToLogitsRatio;
    this.samplingRate = samplingRate;
  }

  /**
   * The token ids a chunk contributes: argmax over row {@code row} of logits [batch, frames, vocab],
   * without the frames of its strides. As rescale_stride: token_n = round(samples / ratio), and the
   * strides scaled to it, rounded half to even. Frames past token_n, which in a padded batch row
   * see only padding, are dropped with the right stride, and so are frames past {@code frames}, the
   * row's own frame count when its batch holds longer rows.
   */
  public int[] chunkTokens(Tensor logits, int row, int frames, AudioChunk chunk) {
    int width = logits.dim(1);
    int vocab = logits.dim(2);
    int samples = chunk.samples().length;
    int tokenN = (int) Math.rint(samples * (1.0 / inputsToLogitsRatio));
    int left = (int) Math.rint((double) chunk.strideLeft() / samples * tokenN);
    int right = (int) Math.rint((double) chunk.strideRight() / samples * tokenN);
    int from = Math.min(left, frames);
    int to = Math.max(from, Math.min(tokenN - right, frames));
    float[] data = logits.floats();
    int[] ids = new int[to - from];
    for (int f = from; f < to; f++) {
      int base = (row * width + f) * vocab;
      int best = 0;
      for (int v = 1; v < vocab; v++) {
        if (data[base + v] > data[base + best]) {
          best = v;
        }
      }
      ids[f - from] = best;
    }
    return ids;
  }

  /** Merges the chunks' tokens in order and decodes them into one transcript. */
  public Transcription transcribe(List<int[]> chunkTokens, TimestampMode timestamps) {
    int total = 0;
    for (int[] ids : chunkTokens) {
      total += ids.length;
    }
    int[] merged = new int[total];
    int at = 0;
    for (int[] ids : chunkTokens) {
      System.arraycopy(ids, 0, merged, at, ids.length);
      at += ids.length;
    }
    String text = tokenizer.decode(merged);
    if (timestamps == TimestampMode.NONE) {
      return new Transcription(text, List.of());
    }
    List<TokenSpan> spans = tokenizer.charOffsets(merged);
    if (timestamps == TimestampMode.WORD) {
      spans = tokenizer.wordOffsets(spans);
    }
    List<Transcription.Chunk> chunks = new ArrayList<>(spans.size());
    for (TokenSpan span : spans) {
      chunks.add(new Transcription.Chunk(span.text(), new double[] {seconds(span.start()), seconds(span.end())}));
    }
    return new Transcription(text, List.copyOf(chunks));
  }

  private double seconds(int frame) {
    return (double) (frame * inputsToLogitsRatio) / samplingRate;
  }
}
