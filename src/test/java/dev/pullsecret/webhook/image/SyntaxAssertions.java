package dev.pullsecret.webhook.image;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.text.Text;
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
   * "registry pattern"): the message quotes it and says {@code error}.
   */
  static void assertRejected(String what, String input, ThrowingCallable parse, String error) {
    assertInvalid(parse)
        .hasMessageStartingWith("invalid " + what + " " + Text.quote(input))
        .hasMessageContaining(error);
  }

  /** Asserts that {@code parse} refuses null as empty, an IllegalArgumentException too. */
  static void assertRejectsNullAsEmpty(ThrowingCallable parse, String message) {
    assertInvalid(parse).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
