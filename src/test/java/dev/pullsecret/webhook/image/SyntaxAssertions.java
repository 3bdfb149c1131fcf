package dev.pullsecret.webhook.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Assertions on {@link InvalidImageSyntaxException}, for image references and registry patterns.
 */
final class SyntaxAssertions {

  private SyntaxAssertions() {}

  /** The assertion on the {@link InvalidImageSyntaxException} that {@code call} throws. */
  static AbstractThrowableAssert<?, ?> assertInvalid(ThrowingCallable call) {
    return assertThatThrownBy(call).isInstanceOf(InvalidImageSyntaxException.class);
  }

  /**
   * Asserts that {@code parse} refuses {@code input} as an invalid {@code what} ("image reference",
   * "registry pattern"): the exception keeps the input, the message quotes it and says {@code
   * error}.
   */
  static void assertRejected(String what, String input, ThrowingCallable parse, String error) {
    assertThatThrownBy(parse)
        .isInstanceOfSatisfying(
            InvalidImageSyntaxException.class, e -> assertThat(e.input()).isEqualTo(input))
        .hasMessageStartingWith("invalid " + what + " \"")
        .hasMessageContaining(error);
  }

  /** Asserts that {@code parse} refuses null as empty, an IllegalArgumentException too. */
  static void assertRejectsNullAsEmpty(ThrowingCallable parse, String message) {
    assertInvalid(parse).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
