package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.credentials.Problem;
import dev.pullsecret.webhook.delivery.SyncEvents.Reason;
import dev.pullsecret.webhook.delivery.SyncEvents.Regarding;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people about a source once per change, not once per namespace: an Event on the source, a
 * log line and a metric when it is invalid, not copyable or gone. Never throws on bad content.
 */
record SourceReporter(
    SyncEvents events, SyncMetrics metrics, DesiredCopies desired, SyncCaches caches) {

  private static final Logger log = LoggerFactory.getLogger(SourceReporter.class);

  /** Reports on {@code ref} as the caches last saw it, if the rules in force copy from it. */
  boolean report(SecretSource ref) {
    List<PullSecret> users =
        desired.delivered(desired.rules()).stream().filter(s -> s.source().equals(ref)).toList();
    if (users.isEmpty()) {
      return true;
    }
    Optional<Secret> source = caches.source(ref);
    var regarding = new Regarding("Secret", ref.namespace(), ref.name());
    String names = users.stream().map(PullSecret::name).collect(Collectors.joining(", "));
    List<String> lacking =
        users.stream().filter(caches::forbidden).map(PullSecret::name).sorted().toList();
    if (!lacking.isEmpty()) {
      // Not readable: whether it exists or is valid is not known. Told on the source, as the
      // chart's RBAC names the copies and sources the webhook may touch.
      events.warning(
          regarding,
          Reason.CopyForbidden,
          "the webhook's RBAC does not let it read this source or watch and update Secrets named "
              + String.join(", ", lacking)
              + ", so no copy is made: install the chart with these pull secrets in `rules` (its"
              + " roles name the sources and copies), list them in sync.rbac.extraPullSecrets, or"
              + " set sync.rbac.scope=cluster");
      return true;
    }
    events.forget(regarding, Reason.CopyForbidden);
    if (source.isEmpty()) {
      metrics.sourceChecked(ref.toString(), 1);
      events.warning(
          regarding,
          Reason.SourceMissing,
          (users.stream().allMatch(PullSecret::hasProvider)
                  ? "credentials of pull secret(s) %s not generated yet: their provider has not"
                      + " answered (its CredentialsRenewalFailed Events say why); new namespaces"
                      + " get no copy until it does"
                  : "source of pull secret(s) %s does not exist: existing copies are kept with"
                      + " their last content, new namespaces get none until it is created")
              .formatted(names));
      log.warn("Source {} of {} does not exist; copies kept, none created", ref, names);
      return true;
    }
    events.forget(regarding, Reason.SourceMissing);
    List<Problem> problems =
        users.stream()
            .flatMap(user -> CopyPlan.problems(source.get(), user).stream())
            .distinct()
            .toList();
    int errors = (int) problems.stream().filter(Problem::isError).count();
    metrics.sourceChecked(ref.toString(), errors);
    if (errors == 0) {
      events.forget(regarding, Reason.SourceInvalid);
      events.forget(regarding, Reason.SourceNotCopied);
      return true;
    }
    String list = problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
    if (CopyPlan.isPullSecretType(source.get())) {
      events.warning(
          regarding, Reason.SourceInvalid, "copied anyway, but pods may pull anonymously: " + list);
      log.warn("Source {} of {} has problems (copied anyway): {}", ref, names, list);
    } else {
      events.warning(regarding, Reason.SourceNotCopied, "not a pull secret, never copied: " + list);
      log.warn("Source {} of {} is not a pull secret; not copied: {}", ref, names, list);
    }
    return true;
  }
}
