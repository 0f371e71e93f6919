package io.sparkformers.inference.task.audio;

import io.sparkformers.inference.audio.AudioChunk;
import io.sparkformers.inference.audio.AudioChunker;
import io.sparkformers.inference.audio.AudioFeatures;
import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.audio.AudioLimits;
import io.sparkformers.inference.audio.ChunkedAudio;
import io.sparkformers.inference.audio.CtcTokenizer;
import io.sparkformers.inference.audio.CtcTranscriber;
import io.sparkformers.inference.audio.TimestampMode;
import io.sparkformers.inference.audio.Transcription;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelFolderException;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * automatic-speech-recognition for CTC models, as transformers 4.38's
 * AutomaticSpeechRecognitionPipeline: with chunk_length_s the clip is cut into overlapping windows
 * (each one model row, normalized on its own), the stride frames of each window are dropped and the
 * rest decoded as one transcript, with char or word timestamps on request.
 */
public final class AutomaticSpeechRecognitionPipeline
    extends TaskPipeline<AudioInput, ChunkedAudio, Transcription> {

  /**
   * @param chunkLengthS window length in seconds; 0 for the whole clip in one row
   * @param strideLeftS context dropped at each window's start; null for chunkLengthS / 6
   * @param strideRightS context dropped at each window's end; null for the left stride
   */
  public record Settings(double chunkLengthS, Double strideLeftS, Double strideRightS, TimestampMode timestamps,
      AudioLimits limits) implements java.io.Serializable {}

  private final WaveformModel model;
  private final CtcTranscriber transcriber;
  private final AudioChunker chunker;
  private final TimestampMode timestamps;

  public AutomaticSpeechRecognitionPipeline(ModelSpec.Model model, Settings settings) {
    this.model = new WaveformModel(model, settings.limits(), 3, "CTC speech-recognition");
    if (!Files.isRegularFile(model.bundle().dir().resolve("vocab.json"))) {
      throw new ModelFolderException("model folder " + model.bundle().dir()
          + " has no vocab.json: CTC decoding needs the Wav2Vec2CTCTokenizer vocabulary");
    }
    int ratio = this.model.config().inputsToLogitsRatio();
    this.transcriber = new CtcTranscriber(CtcTokenizer.load(model.bundle().dir()), ratio, this.model.samplingRate());
    this.chunker = settings.chunkLengthS() > 0
        ? AudioChunker.ofSeconds(settings.chunkLengthS(), settings.strideLeftS(), settings.strideRightS(),
            this.model.samplingRate(), ratio)
        : null;
    this.timestamps = settings.timestamps();
  }

  @Override
  public ChunkedAudio preprocess(AudioInput input) {
    float[] samples = model.samples(input);
    List<AudioChunk> windows = chunker == null ? List.of(AudioChunk.whole(samples)) : chunker.split(samples);
    List<AudioChunk> rows = new ArrayList<>(windows.size());
    for (AudioChunk w : windows) {
      rows.add(new AudioChunk(model.features(w.samples()).inputValues(), w.strideLeft(), w.strideRight()));
    }
    return new ChunkedAudio(rows);
  }

  @Override
  protected int rows(ChunkedAudio features) {
    return features.chunks().size();
  }

  @Override
  protected Map<String, Tensor> collate(List<ChunkedAudio> batch) {
    List<AudioFeatures> rows = new ArrayList<>();
    for (ChunkedAudio clip : batch) {
      for (AudioChunk chunk : clip.chunks()) rows.add(new AudioFeatures(chunk.samples()));
    }
    return model.collate(rows);
  }

  @Override
  protected Map<String, Tensor> forward(Map<String, Tensor> inputs) {
    return model.forward(inputs);
  }

  @Override
  protected Transcription postprocess(ChunkedAudio features, Map<String, Tensor> outputs, int row) {
    Tensor logits = outputs.get(WaveformModel.LOGITS);
    long[] frames = outputs.get(WaveformModel.FRAMES).longs();
    List<int[]> tokens = new ArrayList<>(features.chunks().size());
    for (int c = 0; c < features.chunks().size(); c++) {
      tokens.add(transcriber.chunkTokens(logits, row + c, (int) frames[row + c], features.chunks().get(c)));
    }
    return transcriber.transcribe(tokens, timestamps);
  }
}
