package dev.pullsecret.webhook.doctor;

import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.delivery.CopyMarks;
import dev.pullsecret.webhook.delivery.DesiredCopies;
import dev.pullsecret.webhook.rules.NamespaceRule;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compares the cluster with the rules, per namespace: the secrets each should have and whether they
 * are present, missing, not ours or made from an invalid source. Reads only: one list of
 * namespaces, one list of our copies (by label), one GET per source and one GET per secret that is
 * not among our copies.
 */
public final class ClusterCheck {

  /** One pull secret in one namespace. */
  public record SecretFinding(String secret, SecretStatus status, String detail) {}

  /** One namespace that a rule covers. */
  public record NamespaceFinding(String namespace, String rule, List<SecretFinding> secrets) {
    public boolean isOk() {
      return secrets.stream().allMatch(s -> s.status().isOk());
    }
  }

  private final KubernetesClient client;
  private final String ownNamespace;
  private final Set<String> skipped;

  public ClusterCheck(KubernetesClient client, String ownNamespace, Set<String> skipped) {
    this.client = client;
    this.ownNamespace = ownNamespace;
    this.skipped = Set.copyOf(skipped);
  }

  public List<NamespaceFinding> check(Rules rules) {
    Map<String, Secret> ours = new HashMap<>();
    for (Secret copy :
        client
            .secrets()
            .inAnyNamespace()
            .withLabel(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
            .list()
            .getItems()) {
      ours.put(copy.getMetadata().getNamespace() + "/" + copy.getMetadata().getName(), copy);
    }
    Map<SecretSource, Optional<Secret>> sources = new HashMap<>();
    List<NamespaceFinding> findings = new ArrayList<>();
    List<Namespace> namespaces = client.namespaces().list().getItems();
    namespaces.sort(Comparator.comparing(n -> n.getMetadata().getName()));
    for (Namespace namespace : namespaces) {
      String name = namespace.getMetadata().getName();
      Optional<NamespaceRule> rule = rules.forNamespace(name);
      if (skipped.contains(name)
          || namespace.getMetadata().getDeletionTimestamp() != null
          || rule.isEmpty()
          || rule.get().pullSecrets().isEmpty()) {
        continue;
      }
      List<PullSecret> delivered = DesiredCopies.of(rules, name, ownNamespace);
      List<SecretFinding> secrets = new ArrayList<>();
      for (PullSecret secret : rule.get().pullSecrets()) {
        Optional<PullSecret> copied =
            delivered.stream().filter(d -> d.name().equals(secret.name())).findFirst();
        if (secret.isDelivered() && copied.isEmpty()) {
          continue; // the source itself
        }
        secrets.add(
            copied.isPresent()
                ? delivered(name, copied.get(), ours, sources)
                : referenced(name, secret));
      }
      findings.add(new NamespaceFinding(name, rule.get().name(), secrets));
    }
    return findings;
  }

  private SecretFinding delivered(
      String namespace,
      PullSecret secret,
      Map<String, Secret> ours,
      Map<SecretSource, Optional<Secret>> sources) {
    SecretSource ref = secret.source();
    Optional<Secret> source =
        sources.computeIfAbsent(
            ref,
            r ->
                Optional.ofNullable(
                    client.secrets().inNamespace(r.namespace()).withName(r.name()).get()));
    Secret copy = ours.get(namespace + "/" + secret.name());
    String from = "from " + ref;
    if (copy == null) {
      Secret other = client.secrets().inNamespace(namespace).withName(secret.name()).get();
      if (other != null) {
        return finding(secret, SecretStatus.NOT_OURS, "exists without our label; left untouched");
      }
      if (source.isEmpty()) {
        return finding(secret, SecretStatus.MISSING, "its source " + ref + " does not exist");
      }
    } else if (source.isEmpty()) {
      return finding(secret, SecretStatus.SOURCE_MISSING, "copy kept; " + ref + " is gone");
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
    Secret existing = client.secrets().inNamespace(namespace).withName(secret.name()).get();
    if (existing == null) {
      return finding(secret, SecretStatus.MISSING, "not delivered by the webhook (no source)");
    }
    String problems = errors(existing, secret);
    return problems.isEmpty()
        ? finding(secret, SecretStatus.PRESENT, "managed by other means")
        : finding(secret, SecretStatus.INVALID, problems);
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

  private static SecretFinding finding(PullSecret secret, SecretStatus status, String detail) {
    return new SecretFinding(secret.name(), status, detail);
  }
}
