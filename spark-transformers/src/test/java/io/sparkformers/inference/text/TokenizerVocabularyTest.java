package io.sparkformers.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkformers.inference.model.ModelBundle;
import io.sparkformers.testing.Fixtures;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TokenizerVocabularyTest {
  private static TokenizerVocabulary of(String fixture) {
    return TokenizerVocabulary.of(ModelBundle.open(Fixtures.model(fixture)));
  }

  @Test
  void wordPieceNamesItsUnknownTokenByText() {
    TokenizerVocabulary bert = of("text-classification-bert");
    assertEquals(OptionalLong.of(1), bert.unknownTokenId()); // [UNK]
    assertEquals(OptionalLong.of(2), bert.clsTokenId()); // [CLS]
    assertEquals(true, bert.continuingSubwordPrefix());
  }

  @Test
  void unigramNamesItsUnknownTokenById() {
    TokenizerVocabulary xlmr = of("token-classification-xlm-roberta");
    assertEquals(OptionalLong.of(3), xlmr.unknownTokenId()); // <unk> after fairseq's <s> <pad> </s>
    assertEquals(OptionalLong.of(0), xlmr.clsTokenId()); // <s>
    assertEquals(false, xlmr.continuingSubwordPrefix());
    assertEquals(OptionalLong.of(1), of("token-classification-albert").unknownTokenId()); // <unk> after <pad>
  }
}
