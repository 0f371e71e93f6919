package io.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.ml.FeatureExtractor;
import io.sparkformers.ml.NullableIntParam;
import io.sparkformers.ml.SpeechRecognizer;
import io.sparkformers.ml.TextClassifier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --option names are Hugging Face's snake_case; values are the Param's JSON, or plain text for strings. */
class StageOptionsTest {
  @Test
  void snakeCaseNamesMapToTheStagesCamelCaseParams() {
    assertEquals("topK", StageOptions.camelCase("top_k"));
    assertEquals("aggregationStrategy", StageOptions.camelCase("aggregation_strategy"));
    assertEquals("docStride", StageOptions.camelCase("doc_stride"));
    assertEquals("functionToApply", StageOptions.camelCase("function_to_apply"));
    assertEquals("pooling", StageOptions.camelCase("pooling"));
    assertEquals("max_length", StageOptions.snakeCase("maxLength"));
  }

  @Test
  void valuesDecodeAsTheirParamsType() {
    TextClassifier stage = new TextClassifier();
    Map<String, String> options = new LinkedHashMap<>();
    options.put("top_k", "null");
    options.put("max_length", "16");
    options.put("function_to_apply", "sigmoid");
    StageOptions.apply(stage, options);
    assertEquals(NullableIntParam.NONE, (int) stage.$(stage.topK()));
    assertEquals(16, (int) stage.$(stage.maxLength()));
    assertEquals("sigmoid", stage.$(stage.functionToApply()));
  }

  @Test
  void aStringMayAlsoBeGivenAsJson() {
    FeatureExtractor stage = new FeatureExtractor();
    StageOptions.set(stage, "pooling", "\"cls\"");
    StageOptions.set(stage, "normalize", "true");
    assertEquals("cls", stage.$(stage.pooling()));
    assertEquals(true, stage.$(stage.normalize()));
  }

  @Test
  void anArrayParamTakesOneNumberOrAList() {
    SpeechRecognizer stage = new SpeechRecognizer();
    StageOptions.set(stage, "stride_length_s", "0.25");
    assertArrayEquals(new double[] {0.25}, stage.$(stage.strideLengthS()));
    StageOptions.set(stage, "stride_length_s", "[0.3,0.2]");
    assertArrayEquals(new double[] {0.3, 0.2}, stage.$(stage.strideLengthS()));
  }
}
