package dev.pullsecret.webhook.doctor;

import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.delivery.CopyMarks;
import dev.pullsecret.webhook.delivery.DesiredCopies;
import dev.pullsecret.webhook.delivery.GeneratedSecret;
import dev.pullsecret.webhook.recovery.StuckPods;
import dev.pullsecret.webhook.rules.NamespaceLabels;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.NamespaceScope.Choice;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Compares the cluster with the rules, per namespace: the secrets each should have and their {@link
 * SecretStatus}; and the namespaces left out (skipped or opted out), which must hold none of our
 * copies. Reads only: one list of namespaces, one list of our copies (by label), one GET per source
 * and one GET per secret that is not among our copies.
 */
public record ClusterCheck(KubernetesClient client, String ownNamespace, NamespaceScope scope) {

  /** One pull secret in one namespace. */
  public record SecretFinding(String secret, SecretStatus status, String detail) {}

  /**
   * One namespace that a rule covers, or that the webhook leaves out (then {@code rule} is null).
   *
   * @param why why the rule won ({@link dev.pullsecret.webhook.rules.RuleMatch#why()}), or why the
   *     namespace is left out
   */
  public record NamespaceFinding(
      String namespace, String rule, String why, List<SecretFinding> secrets) {
    public boolean isOk() {
      return secrets.stream().allMatch(s -> s.status().isOk());
    }
  }

  /** The report on every namespace, the stuck pods, and the checks' results (empty if not run). */
  public DoctorReport report(
      Rules rules, List<AccessCheck.Result> access, List<CaBundleCheck.Result> caBundle) {
    var ours = ours();
    return new DoctorReport(
        check(rules, ours),
        StuckPods.check(client, rules, scope, (ns, name) -> ours.containsKey(ns + "/" + name)),
        access,
        caBundle);
  }

  /** Our copies in the cluster, by {@code namespace/name}: one list, by our label. */
  private Map<String, Secret> ours() {
    return client
        .secrets()
        .inAnyNamespace()
        .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
        .list()
        .getItems()
        .stream()
        // a provider's generated credentials are a source, not a copy
        .filter(s -> !GeneratedSecret.isGenerated(s))
        .collect(
            Collectors.toMap(
                s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(),
                s -> s,
                (first, again) -> first)); // a list never repeats a Secret; never fail if it does
  }

  private List<NamespaceFinding> check(Rules rules, Map<String, Secret> ours) {
    Map<SecretSource, Optional<Secret>> sources = new HashMap<>();
    List<NamespaceFinding> findings = new ArrayList<>();
    List<Namespace> namespaces = client.namespaces().list().getItems();
    namespaces.sort(Comparator.comparing(n -> n.getMetadata().getName()));
    for (Namespace namespace : namespaces) {
      String name = namespace.getMetadata().getName();
      if (namespace.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      var labels =
          NamespaceLabels.of(
              Optional.ofNullable(namespace.getMetadata().getLabels()).orElse(Map.of()));
      switch (scope.choose(rules, name, labels)) {
        case Choice.LeftOut out -> findings.add(leftOut(name, out.why(), ours));
        case Choice.Applies applies when !applies.match().rule().pullSecrets().isEmpty() -> {
          Map<String, PullSecret> copies =
              DesiredCopies.of(rules, scope, name, labels, ownNamespace).stream()
                  .collect(Collectors.toMap(PullSecret::name, copy -> copy));
          NamespaceRule rule = applies.match().rule();
          // a delivered secret with no copy here is in its source's namespace, as that source
          List<SecretFinding> secrets =
              rule.pullSecrets().stream()
                  .filter(secret -> !secret.isDelivered() || copies.containsKey(secret.name()))
                  .map(
                      secret ->
                          secret.isDelivered()
                              ? delivered(name, copies.get(secret.name()), ours, sources)
                              : referenced(name, secret))
                  .toList();
          findings.add(new NamespaceFinding(name, rule.name(), applies.match().why(), secrets));
        }
        case Choice.Applies _, Choice.NoRule _ -> {}
      }
    }
    return findings;
  }

  /** A namespace left out holds none of our copies: each one found there is a finding. */
  private static NamespaceFinding leftOut(String name, String why, Map<String, Secret> ours) {
    List<SecretFinding> copies =
        ours.values().stream()
            .filter(copy -> name.equals(copy.getMetadata().getNamespace()))
            .map(
                copy ->
                    new SecretFinding(
                        copy.getMetadata().getName(),
                        SecretStatus.LEFT_OUT,
                        "our copy in a namespace left out; delivery removes it (is sync on?)"))
            .sorted(Comparator.comparing(SecretFinding::secret))
            .toList();
    return new NamespaceFinding(name, null, why, copies);
  }

  private SecretFinding delivered(
      String namespace,
      PullSecret secret,
      Map<String, Secret> ours,
      Map<SecretSource, Optional<Secret>> sources) {
    SecretSource ref = secret.source();
    Optional<Secret> source =
        sources.computeIfAbsent(ref, r -> Optional.ofNullable(secret(r.namespace(), r.name())));
    Secret copy = ours.get(namespace + "/" + secret.name());
    Optional<GeneratedSecret.State> state =
        secret.hasProvider() ? source.flatMap(GeneratedSecret::state) : Optional.empty();
    Instant now = Instant.now();
    String from = "from " + ref + state.map(s -> provided(s, now)).orElse("");
    if (copy == null) {
      if (secret(namespace, secret.name()) != null) {
        return finding(secret, SecretStatus.NOT_OURS, "exists without our label; left untouched");
      }
      if (source.isEmpty()) {
        return finding(
            secret,
            SecretStatus.MISSING,
            secret.hasProvider()
                ? "provider " + secret.provider() + " has not given credentials yet (" + ref + ")"
                : "its source " + ref + " does not exist");
      }
    } else if (source.isEmpty()) {
      return finding(secret, SecretStatus.SOURCE_MISSING, "copy kept; " + ref + " is gone");
    }
    if (state.map(s -> s.expiresAt() != null && !s.expiresAt().isAfter(now)).orElse(false)) {
      return finding(
          secret,
          SecretStatus.EXPIRED,
          from + ": not renewed in time (CredentialsRenewalFailed Events on " + ref + " say why)");
    }
    String problems = errors(source.get(), secret);
    if (!problems.isEmpty()) {
      return finding(secret, SecretStatus.INVALID_SOURCE, ref + ": " + problems);
    }
    if (copy == null) {
      return finding(secret, SecretStatus.MISSING, from + ": not copied yet (is sync on?)");
    }
    if (!CopyMarks.contentHash(source.get()).equals(CopyMarks.contentHash(copy))) {
      return finding(secret, SecretStatus.STALE, from + ": content differs from the source");
    }
    return finding(secret, SecretStatus.PRESENT, from);
  }

  private SecretFinding referenced(String namespace, PullSecret secret) {
    Secret existing = secret(namespace, secret.name());
    if (existing == null) {
      return finding(secret, SecretStatus.MISSING, "not delivered by the webhook (no source)");
    }
    String problems = errors(existing, secret);
    return problems.isEmpty()
        ? finding(secret, SecretStatus.PRESENT, "managed by other means")
        : finding(secret, SecretStatus.INVALID, problems);
  }

  private Secret secret(String namespace, String name) {
    return client.secrets().inNamespace(namespace).withName(name).get();
  }

  private static String errors(Secret secret, PullSecret pullSecret) {
    return PullSecretCheck.of(secret.getType(), secret.getData(), pullSecret.registries())
        .problems()
        .stream()
        .filter(p -> p.isError())
        .map(p -> p.code().name())
        .distinct()
        .collect(Collectors.joining(", "));
  }

  /** What a generated source says of its provider's credentials: when they expire. */
  private static String provided(GeneratedSecret.State state, Instant now) {
    if (state.expiresAt() == null) {
      return " (provider %s; expiry not known, renewed at %s)"
          .formatted(state.provider(), state.renewAt());
    }
    Duration left = Duration.between(now, state.expiresAt());
    return left.isNegative()
        ? " (provider %s; expired at %s)".formatted(state.provider(), state.expiresAt())
        : " (provider %s; expires at %s, in %s)"
            .formatted(state.provider(), state.expiresAt(), human(left));
  }

  /** {@code 5h59m}, {@code 12m}, {@code 40s}. */
  private static String human(Duration left) {
    if (left.toHours() > 0) {
      return left.toHours() + "h" + left.toMinutesPart() + "m";
    }
    return left.toMinutes() > 0 ? left.toMinutes() + "m" : left.toSeconds() + "s";
  }

  private static SecretFinding finding(PullSecret secret, SecretStatus status, String detail) {
    return new SecretFinding(secret.name(), status, detail);
  }
}
