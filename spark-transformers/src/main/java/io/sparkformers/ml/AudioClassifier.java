package io.sparkformers.ml;

import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.LabelScore;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.audio.AudioClassificationPipeline;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * audio-classification over an audio column, for any wav2vec2-family model with a
 * sequence-classification head: output array&lt;struct&lt;label,score&gt;&gt;, softmax scores, best first.
 */
public class AudioClassifier extends AudioStage<AudioClassifier, List<LabelScore>> {
  private final NullableIntParam topK = ClassificationParams.topK(this);

  public AudioClassifier() {
    this(Identifiable.randomUID("AudioClassifier"));
  }

  public AudioClassifier(String uid) {
    super(uid);
    setDefault(topK, AudioClassificationPipeline.Settings.DEFAULT_TOP_K);
  }

  public NullableIntParam topK() { return topK; }

  public AudioClassifier setTopK(int v) { set(topK, v); return this; }

  @Override
  protected DataType outputDataType() {
    return LabelScores.TYPE;
  }

  @Override
  protected TaskBinding<AudioInput, List<LabelScore>> binding(StructType schema) {
    return new Binding(new AudioClassificationPipeline.Settings((Integer) $(topK), limits()), reader(schema));
  }

  private record Binding(AudioClassificationPipeline.Settings settings, AudioColumns.Reader audio)
      implements TaskBinding<AudioInput, List<LabelScore>> {

    @Override
    public TaskPipeline<AudioInput, ?, List<LabelScore>> pipeline(ModelSpec.Model model) {
      return new AudioClassificationPipeline(model, settings);
    }

    @Override
    public AudioInput input(Row row) {
      return audio.read(row);
    }

    @Override
    public Object toSpark(List<LabelScore> output) {
      return LabelScores.toSpark(output);
    }
  }

  public static MLReader<AudioClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static AudioClassifier load(String path) {
    return read().load(path);
  }
}
