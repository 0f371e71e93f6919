package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.text.Answer;
import io.sparkformers.inference.task.text.QuestionAnsweringPipeline;
import io.sparkformers.inference.task.text.QuestionAnsweringSettings;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
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
 * question-answering (extractive) over a question column and a context column. Output
 * struct&lt;score,start,end,answer&gt; (topK 1) or an array of them, best first; contexts longer
 * than the model's window are read in overlapping windows, so an answer anywhere is found.
 */
public class QuestionAnswerer extends InferenceStage<QuestionAnswerer, QuestionAnsweringPipeline.Input, List<Answer>> {
  private final Param<String> questionCol = new Param<>(this, "questionCol", "question column");
  private final Param<String> contextCol = new Param<>(this, "contextCol", "context column");
  private final IntParam topK = new IntParam(this, "topK", "answers per row, best first", ParamValidators.gtEq(1));
  private final NullableIntParam docStride = new NullableIntParam(this, "docStride",
      "context tokens shared by consecutive windows; null for min(maxSeqLen / 2, 128)");
  private final NullableIntParam maxSeqLen = new NullableIntParam(this, "maxSeqLen",
      "window length in tokens (question + context + special tokens); null for min(model_max_length, 384)");
  private final IntParam maxQuestionLen = new IntParam(this, "maxQuestionLen",
      "kept for parity with transformers; its fast-tokenizer path does not use it", ParamValidators.gtEq(1));
  private final IntParam maxAnswerLen = new IntParam(this, "maxAnswerLen", "longest answer in tokens",
      ParamValidators.gtEq(1));
  private final BooleanParam handleImpossibleAnswer = new BooleanParam(this, "handleImpossibleAnswer",
      "allow the empty answer when the model scores 'no answer' highest");
  private final BooleanParam alignToWords = new BooleanParam(this, "alignToWords",
      "snap answers to whole words");
  private final IntParam maxInputChars = new IntParam(this, "maxInputChars",
      "questions or contexts longer than this are invalid rows", ParamValidators.gtEq(1));

  private static final DataType ANSWER = DataTypes.createStructType(List.of(
      DataTypes.createStructField("score", DataTypes.FloatType, false),
      DataTypes.createStructField("start", DataTypes.IntegerType, false),
      DataTypes.createStructField("end", DataTypes.IntegerType, false),
      DataTypes.createStructField("answer", DataTypes.StringType, false)));

  public QuestionAnswerer() {
    this(Identifiable.randomUID("QuestionAnswerer"));
  }

  public QuestionAnswerer(String uid) {
    super(uid);
    QuestionAnsweringSettings d = QuestionAnsweringSettings.DEFAULTS;
    setDefault(questionCol, "question");
    setDefault(contextCol, "context");
    setDefault(topK, d.topK());
    setDefault(docStride, NullableIntParam.NONE);
    setDefault(maxSeqLen, NullableIntParam.NONE);
    setDefault(maxQuestionLen, d.maxQuestionLen());
    setDefault(maxAnswerLen, d.maxAnswerLen());
    setDefault(handleImpossibleAnswer, d.handleImpossibleAnswer());
    setDefault(alignToWords, d.alignToWords());
    setDefault(maxInputChars, 1_000_000);
  }

  public Param<String> questionCol() { return questionCol; }
  public Param<String> contextCol() { return contextCol; }
  public IntParam topK() { return topK; }
  public NullableIntParam docStride() { return docStride; }
  public NullableIntParam maxSeqLen() { return maxSeqLen; }
  public IntParam maxQuestionLen() { return maxQuestionLen; }
  public IntParam maxAnswerLen() { return maxAnswerLen; }
  public BooleanParam handleImpossibleAnswer() { return handleImpossibleAnswer; }
  public BooleanParam alignToWords() { return alignToWords; }
  public IntParam maxInputChars() { return maxInputChars; }

  public QuestionAnswerer setQuestionCol(String v) { set(questionCol, v); return this; }
  public QuestionAnswerer setContextCol(String v) { set(contextCol, v); return this; }
  public QuestionAnswerer setTopK(int v) { set(topK, v); return this; }
  public QuestionAnswerer setDocStride(int v) { set(docStride, v); return this; }
  public QuestionAnswerer setMaxSeqLen(int v) { set(maxSeqLen, v); return this; }
  public QuestionAnswerer setMaxAnswerLen(int v) { set(maxAnswerLen, v); return this; }
  public QuestionAnswerer setHandleImpossibleAnswer(boolean v) { set(handleImpossibleAnswer, v); return this; }
  public QuestionAnswerer setAlignToWords(boolean v) { set(alignToWords, v); return this; }
  public QuestionAnswerer setMaxInputChars(int v) { set(maxInputChars, v); return this; }

  @Override
  protected void checkInputSchema(StructType schema) {
    TextColumns.check(schema, $(questionCol));
    TextColumns.check(schema, $(contextCol));
  }

  private boolean many() {
    return (Integer) $(topK) > 1;
  }

  @Override
  protected DataType outputDataType() {
    return many() ? DataTypes.createArrayType(ANSWER, false) : ANSWER;
  }

  private static Integer orNull(int v) {
    return v == NullableIntParam.NONE ? null : v;
  }

  @Override
  protected TaskBinding<QuestionAnsweringPipeline.Input, List<Answer>> binding(StructType schema) {
    var settings = new QuestionAnsweringSettings((Integer) $(topK), orNull($(docStride)), orNull($(maxSeqLen)),
        (Integer) $(maxQuestionLen), (Integer) $(maxAnswerLen), (Boolean) $(handleImpossibleAnswer),
        (Boolean) $(alignToWords));
    return new Binding(settings, (Integer) $(maxInputChars), new TextColumns.Reader(schema, $(questionCol)),
        new TextColumns.Reader(schema, $(contextCol)), many());
  }

  private record Binding(QuestionAnsweringSettings settings, long maxInputChars, TextColumns.Reader question,
      TextColumns.Reader context, boolean many)
      implements TaskBinding<QuestionAnsweringPipeline.Input, List<Answer>> {

    @Override
    public TaskPipeline<QuestionAnsweringPipeline.Input, ?, List<Answer>> pipeline(ModelSpec.Model model) {
      return new QuestionAnsweringPipeline(model, settings, maxInputChars);
    }

    @Override
    public QuestionAnsweringPipeline.Input input(Row row) {
      return new QuestionAnsweringPipeline.Input(question.read(row), context.read(row));
    }

    @Override
    public Object toSpark(List<Answer> answers) {
      if (many()) return SparkValues.seq(answers, QuestionAnswerer::row);
      return answers.isEmpty() ? null : row(answers.get(0));
    }
  }

  private static Row row(Answer a) {
    return RowFactory.create(a.score(), a.start(), a.end(), a.answer());
  }

  public static MLReader<QuestionAnswerer> read() {
    return new DefaultParamsReader<>();
  }

  public static QuestionAnswerer load(String path) {
    return read().load(path);
  }
}
