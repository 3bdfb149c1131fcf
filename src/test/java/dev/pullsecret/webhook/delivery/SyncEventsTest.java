package dev.pullsecret.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * An Event's name is the regarded object's and a suffix, a valid name whatever the object's: a pod
 * named with 253 characters got no Event at all before (the API server refused its name of 270:
 * "must be no more than 253 characters").
 */
class SyncEventsTest {

  private static final String SUBDOMAIN =
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

  @Test
  void namesAnEventOnAnObjectWithTheLongestNameWithinTheLimit() {
    String longest = "w".repeat(236) + "-" + "x".repeat(16);

    String name = SyncEvents.name(longest);

    assertThat(name).hasSizeLessThanOrEqualTo(253).startsWith("w".repeat(236)).matches(SUBDOMAIN);
  }

  @Test
  void namesAnEventOnAShortNameAfterIt() {
    assertThat(SyncEvents.name("web-1")).startsWith("web-1.").matches(SUBDOMAIN);
  }
}
