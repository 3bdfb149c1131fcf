package dev.pullsecret.webhook.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations as Go's time.ParseDuration reads them (metav1.Duration in Kubernetes files). */
class GoDurationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "12h, PT12H",
    "1h30m, PT1H30M",
    "0.5h, PT30M",
    "90s, PT1M30S",
    "300ms, PT0.3S",
    "1.5s, PT1.5S",
    "2us, PT0.000002S",
    "7ns, PT0.000000007S",
    "0, PT0S",
    "0s, PT0S",
    "+5m, PT5M",
    "-0s, PT0S",
    "1h1m1s1ms, PT1H1M1.001S",
    ".5s, PT0.5S",
    "1.s, PT1S",
    "0000000000000000000000000000000001h, PT1H",
    "1.0000000000000000000000000000000001h, PT1H",
    "0.00000000000000000000000000000000001h, PT0S",
    "9223372036ns, PT9.223372036S",
  })
  void readsWhatGoReads(String text, Duration expected) {
    assertThat(GoDuration.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"", "12", "h", "1d", "1 h", "1h 30m", ".h", "1..5s", "-", "twelve"})
  void refusesWhatGoRefuses(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-1h", "-1ns", "-0.5s"})
  void refusesANegativeDuration(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be greater than or equal to 0");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"9223372036854775808ns", "99999999999999999999ns", "2562048h"})
  void refusesWhatIsPastGosLimit(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is too long a duration");
  }
}
