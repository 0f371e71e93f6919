package io.sparkformers.inference.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkformers.inference.engine.Tensor;
import io.sparkformers.inference.model.ModelBundle;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CTC decoding of the transformers 4.38 ASR pipeline's recorded logits. */
class CtcTranscriberTest {
  private final AudioModelConfig config = AudioModelConfig.of(ModelBundle.open(Fixtures.path(Fixtures.CTC)));
  private final CtcTranscriber transcriber =
      new CtcTranscriber(CtcTokenizer.load(Fixtures.path(Fixtures.CTC)), config.inputsToLogitsRatio(), 16000);

  @Test
  void inputsToLogitsRatioIsTheProductOfConvStrides() {
    assertEquals(5 * 4 * 4, config.inputsToLogitsRatio());
  }

  @Test
  void recordedLogitsDecodeToThePipelinesText() {
    for (JsonNode c : Fixtures.json(Fixtures.CTC + "/golden.json").get("cases")) {
      JsonNode logits = c.get("logits");
      long[] shape = {logits.at("/shape/0").asLong(), logits.at("/shape/1").asLong(), logits.at("/shape/2").asLong()};
      Tensor tensor = Tensor.floats(Fixtures.floats(logits.get("data")), shape);
      int[] tokens = transcriber.chunkTokens(
          tensor, 0, tensor.dim(1), AudioChunk.whole(new float[c.get("num_samples").asInt()]));
      assertEquals(c.at("/pipeline/text").asText(), transcriber.transcribe(List.of(tokens), TimestampMode.NONE).text());
    }
  }
}
