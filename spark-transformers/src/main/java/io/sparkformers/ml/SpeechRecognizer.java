package io.sparkformers.ml;

import io.sparkformers.inference.audio.AudioInput;
import io.sparkformers.inference.audio.TimestampMode;
import io.sparkformers.inference.audio.Transcription;
import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.audio.AutomaticSpeechRecognitionPipeline;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * automatic-speech-recognition over an audio column with a CTC model (wav2vec2 family). Output
 * struct&lt;text, chunks: array&lt;struct&lt;text, timestamp: array&lt;double&gt;&gt;&gt;&gt;, as the HF
 * pipeline returns {"text", "chunks"}; chunks is null unless returnTimestamps is char or word.
 * Long audio is read in windows of chunkLengthS seconds overlapping by strideLengthS.
 */
public class SpeechRecognizer extends AudioStage<SpeechRecognizer, Transcription> {
  private final DoubleParam chunkLengthS = new DoubleParam(this, "chunkLengthS",
      "window length in seconds for long audio; 0 reads each clip whole", ParamValidators.gtEq(0));
  private final DoubleArrayParam strideLengthS = new DoubleArrayParam(this, "strideLengthS",
      "seconds of context each window shares with its neighbours: [] for chunkLengthS / 6, [both] or [left, right]",
      (double[] v) -> v.length <= 2 && java.util.Arrays.stream(v).allMatch(s -> s >= 0));
  private final Param<String> returnTimestamps = new Param<>(this, "returnTimestamps",
      "none, char or word: add each character's or word's [start, end] in seconds",
      ParamValidators.inArray(new String[] {"none", "char", "word"}));

  private static final DataType CHUNK = DataTypes.createStructType(List.of(
      DataTypes.createStructField("text", DataTypes.StringType, false),
      DataTypes.createStructField("timestamp", DataTypes.createArrayType(DataTypes.DoubleType, false), false)));
  private static final DataType TRANSCRIPTION = DataTypes.createStructType(List.of(
      DataTypes.createStructField("text", DataTypes.StringType, false),
      DataTypes.createStructField("chunks", DataTypes.createArrayType(CHUNK, false), true)));

  public SpeechRecognizer() {
    this(Identifiable.randomUID("SpeechRecognizer"));
  }

  public SpeechRecognizer(String uid) {
    super(uid);
    setDefault(chunkLengthS, 0.0);
    setDefault(strideLengthS, new double[0]);
    setDefault(returnTimestamps, "none");
  }

  public DoubleParam chunkLengthS() { return chunkLengthS; }
  public DoubleArrayParam strideLengthS() { return strideLengthS; }
  public Param<String> returnTimestamps() { return returnTimestamps; }

  public SpeechRecognizer setChunkLengthS(double v) { set(chunkLengthS, v); return this; }
  public SpeechRecognizer setStrideLengthS(double both) { set(strideLengthS, new double[] {both}); return this; }
  public SpeechRecognizer setStrideLengthS(double left, double right) {
    set(strideLengthS, new double[] {left, right});
    return this;
  }
  public SpeechRecognizer setReturnTimestamps(String v) { set(returnTimestamps, v); return this; }

  @Override
  protected DataType outputDataType() {
    return TRANSCRIPTION;
  }

  @Override
  protected TaskBinding<AudioInput, Transcription> binding(StructType schema) {
    double[] stride = $(strideLengthS);
    var settings = new AutomaticSpeechRecognitionPipeline.Settings((Double) $(chunkLengthS),
        stride.length == 0 ? null : stride[0], stride.length == 0 ? null : stride[stride.length - 1],
        TimestampMode.valueOf($(returnTimestamps).toUpperCase(Locale.ROOT)), limits());
    return new Binding(settings, reader(schema));
  }

  private record Binding(AutomaticSpeechRecognitionPipeline.Settings settings, AudioColumns.Reader audio)
      implements TaskBinding<AudioInput, Transcription> {

    @Override
    public TaskPipeline<AudioInput, ?, Transcription> pipeline(ModelSpec.Model model) {
      return new AutomaticSpeechRecognitionPipeline(model, settings);
    }

    @Override
    public AudioInput input(Row row) {
      return audio.read(row);
    }

    @Override
    public Object toSpark(Transcription t) {
      Object chunks = settings.timestamps() == TimestampMode.NONE ? null
          : SparkValues.seq(t.chunks(), c -> RowFactory.create(c.text(), c.timestamp()));
      return RowFactory.create(t.text(), chunks);
    }
  }

  public static MLReader<SpeechRecognizer> read() {
    return new DefaultParamsReader<>();
  }

  public static SpeechRecognizer load(String path) {
    return read().load(path);
  }
}
