package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import dev.pullsecret.webhook.providers.PluginFailure;
import dev.pullsecret.webhook.rules.PullSecret;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What people are told of a renewal, on the generated Secret and in the log: the credentials
 * renewed and until when, or why a renewal failed and what is kept meanwhile.
 */
record RenewalReports(SyncEvents events, Clock clock) {

  // Logged under the renewals' name, where people look for them.
  private static final Logger log = LoggerFactory.getLogger(ProviderRenewals.class);

  void renewed(PullSecret secret, GeneratedSecret.State state) {
    events.forget(regarding(secret), Reason.CredentialsRenewalFailed);
    String note =
        "credentials of pull secret "
            + secret.name()
            + " from provider "
            + secret.provider()
            + " for "
            + String.join(", ", secret.registries().stream().map(Object::toString).toList())
            + ": "
            + expiry(state)
            + "; next renewal at "
            + state.renewAt();
    events.normal(regarding(secret), Reason.CredentialsRenewed, note);
    log.info("Renewed {}: {}", secret.source(), note);
  }

  void notOurs(PullSecret secret) {
    events.warning(
        regarding(secret),
        Reason.CredentialsRenewalFailed,
        "a Secret named "
            + secret.source().name()
            + " exists and was not made by pullsecret-webhook, so the credentials of pull secret "
            + secret.name()
            + " are not written there; delete it or rename the pull secret");
  }

  void failed(PullSecret secret, Optional<GeneratedSecret.State> state, PluginFailure failure) {
    String kept =
        state
            .map(
                s ->
                    s.expiresAt() == null
                        ? "the credentials in this Secret, of unknown lifetime, are kept"
                        : s.expiresAt().isAfter(clock.instant())
                            ? "the credentials in this Secret are kept until they expire at "
                                + s.expiresAt()
                            : "the credentials in this Secret expired at "
                                + s.expiresAt()
                                + " and are kept, for want of better")
            .orElse("there are no credentials yet, so no copy of pull secret " + secret.name());
    String note =
        "renewing pull secret "
            + secret.name()
            + " failed ("
            + failure.kind().label()
            + "): "
            + failure.getMessage()
            + "; "
            + kept
            + "; retrying with back-off";
    events.warning(regarding(secret), Reason.CredentialsRenewalFailed, note);
    log.warn("Credentials of {} not renewed: {}", secret.name(), note);
  }

  /** The generated Secret, which the Events are on. */
  private static Regarding regarding(PullSecret secret) {
    return new Regarding("Secret", secret.source().namespace(), secret.source().name());
  }

  private static String expiry(GeneratedSecret.State state) {
    return state.expiresAt() == null
        ? "the plugin said they are not to be kept, so their expiry is unknown"
        : "they expire at "
            + state.expiresAt()
            + " (after "
            + Duration.between(state.obtainedAt(), state.expiresAt())
            + ")";
  }
}
