package io.sparkformers.inference.task.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings resolve as transformers': defaults, generation_config.json, task_specific_params, the caller. */
class GenerationConfigTest {
  private static final ModelBundle BART = ModelBundle.open(Fixtures.model("summarization-bart"));
  private static final ModelBundle T5 = ModelBundle.open(Fixtures.model("translation-t5"));

  @Test
  void theModelsGenerationConfigOverTransformersDefaults() {
    GenerationConfig c = GenerationConfig.resolve(BART, "summarization", Map.of());
    assertEquals(2, c.decoderStartTokenId());
    assertEquals(0L, c.forcedBosTokenId());
    assertArrayEquals(new long[] {2}, c.forcedEosTokenIds());
    assertEquals(1, c.padTokenId());
    assertEquals(20, c.maxLength(1), "GenerationConfig's default max_length");
    assertEquals(50, c.topK());
  }

  @Test
  void theTasksParamsThenTheCallersSettingsApply() {
    GenerationConfig task = GenerationConfig.resolve(T5, "translation_en_to_de", Map.of());
    assertEquals(GenerationConfig.EarlyStopping.TRUE, task.earlyStopping());
    assertEquals(20, task.maxLength(1));
    GenerationConfig caller = GenerationConfig.resolve(T5, "translation_en_to_de",
        Map.of("max_new_tokens", 8, "early_stopping", "never"));
    assertEquals(9, caller.maxLength(1), "max_new_tokens wins over max_length");
    assertEquals(GenerationConfig.EarlyStopping.NEVER, caller.earlyStopping());
  }

  @Test
  void invalidCombinationsFailWithTransformersReason() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GenerationConfig.resolve(T5, "translation", Map.of("do_sample", true, "num_beams", 2)));
    assertTrue(e.getMessage().contains("beam sampling"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.resolve(T5, "translation", Map.of("top_p", 0.0)));
  }
}
