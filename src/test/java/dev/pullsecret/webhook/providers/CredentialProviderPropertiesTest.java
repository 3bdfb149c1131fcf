package dev.pullsecret.webhook.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** When credentials are renewed: a share of their lifetime, jittered, never in a loop. */
class CredentialProviderPropertiesTest {

  private static final Instant OBTAINED = Instant.parse("2026-01-01T00:00:00Z");
  private static final CredentialProviderProperties POLICY = renewing(0.5, 0.1);

  @Test
  void renewsBetweenHalfAndSixTenthsOfTheLifetime() {
    var random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      Instant at = POLICY.renewAt(lasting(Duration.ofHours(12)), OBTAINED, random);

      assertThat(at)
          .isBetween(OBTAINED.plus(Duration.ofHours(6)), OBTAINED.plus(Duration.ofMinutes(432)));
    }
  }

  @Test
  void spreadsRenewalsOfCredentialsObtainedAtOnce() {
    var random = new Random(7);

    long distinct =
        java.util.stream.IntStream.range(0, 20)
            .mapToObj(i -> POLICY.renewAt(lasting(Duration.ofHours(1)), OBTAINED, random))
            .distinct()
            .count();

    assertThat(distinct).isEqualTo(20);
  }

  @Test
  void withoutALifetimeRenewsOnItsOwnPeriod() {
    assertThat(POLICY.renewAt(lasting(Duration.ZERO), OBTAINED, new Random()))
        .isEqualTo(OBTAINED.plus(Duration.ofMinutes(5)));
  }

  @Test
  void aTinyLifetimeCannotMakeARenewalLoop() {
    assertThat(POLICY.renewAt(lasting(Duration.ofMillis(10)), OBTAINED, new Random()))
        .isEqualTo(OBTAINED.plusSeconds(1));
  }

  /**
   * The lifetime counts from when the plugin was asked, and a plugin may take up to its time-out to
   * answer: one that answers after 50 s that its credentials last a minute (renewal due at 30-36 s)
   * or a few milliseconds was run again at once, back to back for as long as it answers so. The
   * next run comes no sooner than the minimum after the answer.
   */
  @Test
  void aSlowAnswerCannotMakeARenewalLoop() {
    Instant answered = OBTAINED.plusSeconds(50);

    assertThat(POLICY.renewAt(lasting(Duration.ofMinutes(1)), answered, new Random()))
        .isEqualTo(answered.plusSeconds(1));
    assertThat(POLICY.renewAt(lasting(Duration.ofMillis(10)), answered, new Random()))
        .isEqualTo(answered.plusSeconds(1));
    assertThat(POLICY.renewAt(lasting(Duration.ofHours(12)), answered, new Random()))
        .isAfter(OBTAINED.plus(Duration.ofHours(6)));
  }

  @Test
  void refusesARenewalThatWouldComeAfterTheExpiry() {
    assertThatThrownBy(() -> renewing(0.95, 0.1).checkRenewal())
        .hasMessageContaining("add up to less than 1");
    assertThatThrownBy(() -> renewing(0, 0.1).checkRenewal())
        .hasMessageContaining("must be positive");
  }

  private static CredentialProviderProperties renewing(double fraction, double jitter) {
    return new CredentialProviderProperties(
        "/etc/providers.yaml",
        "/usr/libexec/providers",
        Duration.ofMinutes(1),
        fraction,
        jitter,
        Duration.ofMinutes(5),
        Duration.ofSeconds(1),
        Duration.ofMinutes(1));
  }

  private static ProviderCredentials lasting(Duration lifetime) {
    return new ProviderCredentials(List.of(), OBTAINED, lifetime);
  }
}
