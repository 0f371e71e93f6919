package io.sparkformers.ml;

import io.sparkformers.inference.runtime.ModelSpec;
import io.sparkformers.inference.task.TaskPipeline;
import io.sparkformers.inference.task.text.AggregationStrategy;
import io.sparkformers.inference.task.text.TokenClassificationPipeline;
import io.sparkformers.inference.task.text.TokenClassificationSettings;
import io.sparkformers.inference.task.text.TokenEntity;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * token-classification (NER) over a string column. Output array of
 * struct&lt;entity,score,index,word,start,end&gt; per token (aggregationStrategy none), or of
 * struct&lt;entity_group,score,word,start,end&gt; per entity (simple, first, average, max), with
 * character offsets into the text, as transformers' pipeline returns them.
 */
public class TokenClassifier extends EncoderTextStage<TokenClassifier, String, List<TokenEntity>> {
  private final Param<String> aggregationStrategy = new Param<>(this, "aggregationStrategy",
      "none, simple, first, average or max (transformers' aggregation_strategy)",
      ParamValidators.inArray(new String[] {"none", "simple", "first", "average", "max"}));
  private final StringArrayParam ignoreLabels =
      new StringArrayParam(this, "ignoreLabels", "labels left out of the output");

  private static final DataType TOKEN = DataTypes.createStructType(List.of(
      DataTypes.createStructField("entity", DataTypes.StringType, false),
      DataTypes.createStructField("score", DataTypes.FloatType, false),
      DataTypes.createStructField("index", DataTypes.IntegerType, false),
      DataTypes.createStructField("word", DataTypes.StringType, false),
      DataTypes.createStructField("start", DataTypes.IntegerType, false),
      DataTypes.createStructField("end", DataTypes.IntegerType, false)));
  private static final DataType GROUP = DataTypes.createStructType(List.of(
      DataTypes.createStructField("entity_group", DataTypes.StringType, false),
      DataTypes.createStructField("score", DataTypes.FloatType, false),
      DataTypes.createStructField("word", DataTypes.StringType, false),
      DataTypes.createStructField("start", DataTypes.IntegerType, false),
      DataTypes.createStructField("end", DataTypes.IntegerType, false)));

  public TokenClassifier() {
    this(Identifiable.randomUID("TokenClassifier"));
  }

  public TokenClassifier(String uid) {
    super(uid);
    setDefault(aggregationStrategy, "none");
    setDefault(ignoreLabels, new String[] {"O"});
  }

  public Param<String> aggregationStrategy() { return aggregationStrategy; }
  public StringArrayParam ignoreLabels() { return ignoreLabels; }

  public TokenClassifier setAggregationStrategy(String v) { set(aggregationStrategy, v); return this; }
  public TokenClassifier setIgnoreLabels(String... v) { set(ignoreLabels, v); return this; }

  private boolean grouped() {
    return !$(aggregationStrategy).equals("none");
  }

  @Override
  protected DataType outputDataType() {
    return DataTypes.createArrayType(grouped() ? GROUP : TOKEN, false);
  }

  @Override
  protected TaskBinding<String, List<TokenEntity>> binding(StructType schema) {
    var settings = new TokenClassificationSettings(AggregationStrategy.of($(aggregationStrategy)),
        Arrays.asList($(ignoreLabels)));
    return new Binding(settings, truncation(), inputCharLimit(), new TextColumns.Reader(schema, getInputCol()), grouped());
  }

  private record Binding(TokenClassificationSettings settings, Integer maxLength, long maxInputChars,
      TextColumns.Reader text, boolean grouped) implements TaskBinding<String, List<TokenEntity>> {

    @Override
    public TaskPipeline<String, ?, List<TokenEntity>> pipeline(ModelSpec.Model model) {
      return new TokenClassificationPipeline(model, settings, maxLength, maxInputChars);
    }

    @Override
    public String input(Row row) {
      return text.read(row);
    }

    @Override
    public Object toSpark(List<TokenEntity> entities) {
      return SparkValues.seq(entities, e -> grouped
          ? RowFactory.create(e.entityGroup(), e.score(), e.word(), e.start(), e.end())
          : RowFactory.create(e.entity(), e.score(), e.index(), e.word(), e.start(), e.end()));
    }
  }

  public static MLReader<TokenClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static TokenClassifier load(String path) {
    return read().load(path);
  }
}
