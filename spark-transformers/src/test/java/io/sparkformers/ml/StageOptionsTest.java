package io.sparkformers.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
  void numbersReadAsPythonReadsThem() {
    ObjectDetector detector = new ObjectDetector();
    StageOptions.set(detector, "threshold", "0");
    assertEquals(0.0, (double) detector.$(detector.threshold()));
    SpeechRecognizer asr = new SpeechRecognizer();
    StageOptions.set(asr, "stride_length_s", "0.25");
    assertArrayEquals(new double[] {0.25}, asr.$(asr.strideLengthS()));
    StageOptions.set(asr, "stride_length_s", "[0.3,0.2]");
    assertArrayEquals(new double[] {0.3, 0.2}, asr.$(asr.strideLengthS()));
  }
}
