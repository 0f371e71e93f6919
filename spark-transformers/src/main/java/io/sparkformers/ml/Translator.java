package io.sparkformers.ml;

import io.sparkformers.inference.task.generation.Prompt;
import io.sparkformers.inference.task.generation.Text2TextGenerationPipeline;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * translation with an encoder-decoder model over a string column: output
 * struct&lt;translation_text:string&gt;. srcLang / tgtLang pick T5's translation_{src}_to_{tgt}
 * settings and prefix ("translate English to German: "), or force the target language's token
 * first (mBART-50 "de_DE", NLLB "deu_Latn", M2M100 "de"); a one-pair model (Marian opus-mt) needs
 * neither. generate() arguments are {@link GenerationStage} Params.
 */
public class Translator extends GenerationStage<Translator> {
  private final Param<String> srcLang = new Param<>(this, "srcLang",
      "source language, as in the task translation_{srcLang}_to_{tgtLang}");
  private final Param<String> tgtLang = new Param<>(this, "tgtLang",
      "target language: a T5 translation_*_to_{tgtLang} entry, or a language-code token of the tokenizer");
  private final Param<String> prefix = new Param<>(this, "prefix",
      "text put before every input; unset: the task's (T5), else none");

  public Translator() {
    this(Identifiable.randomUID("Translator"));
  }

  public Translator(String uid) {
    super(uid);
  }

  public Param<String> srcLang() { return srcLang; }
  public Param<String> tgtLang() { return tgtLang; }
  public Param<String> prefix() { return prefix; }

  public Translator setSrcLang(String v) { set(srcLang, v); return this; }
  public Translator setTgtLang(String v) { set(tgtLang, v); return this; }
  public Translator setPrefix(String v) { set(prefix, v); return this; }

  @Override
  protected String outputField() {
    return "translation_text";
  }

  private String orNull(Param<String> p) {
    return isSet(p) ? $(p) : null;
  }

  @Override
  protected TaskBinding<Prompt, String> binding(StructType schema) {
    var settings = new Text2TextGenerationPipeline.Settings("translation", orNull(srcLang), orNull(tgtLang),
        orNull(prefix), generateArguments(), truncates(), inputCharLimit(), batching());
    return new Summarizer.Text2TextBinding(settings, prompts(schema));
  }

  public static MLReader<Translator> read() {
    return new DefaultParamsReader<>();
  }

  public static Translator load(String path) {
    return read().load(path);
  }
}
