package dev.pullsecret.webhook.patch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatchOperationTest {

  /** RFC 6901: '~' is escaped before '/', so a literal "~1" is not read back as a '/'. */
  @ParameterizedTest
  @CsvSource({
    "metadata, annotations, /metadata/annotations",
    "annotations, pullsecret.dev/mutated, /annotations/pullsecret.dev~1mutated",
    "annotations, a~b, /annotations/a~0b",
    "annotations, ~1, /annotations/~01",
    "annotations, ~/~, /annotations/~0~1~0",
  })
  void escapesTildeThenSlash(String first, String second, String pointer) {
    assertThat(PatchOperation.pointer(first, second)).isEqualTo(pointer);
  }
}
