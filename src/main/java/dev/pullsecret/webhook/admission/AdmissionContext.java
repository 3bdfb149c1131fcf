package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.rules.NamespaceScope;

/**
 * What a decision may consult besides the review and the rules: where the webhook may act, the
 * namespaces' labels, which delivered secrets exist, and the registries' digests. Offline, it knows
 * no label, no secret and no digest: what local runs, the warm-up and tools decide with.
 */
public record AdmissionContext(
    NamespaceScope scope,
    NamespaceLabelSource namespaceLabels,
    SecretPresence presence,
    DigestLookup digests) {

  public static AdmissionContext offline(NamespaceScope scope) {
    return new AdmissionContext(
        scope, NamespaceLabelSource.NONE, SecretPresence.UNKNOWN, DigestLookup.OFF);
  }

  public AdmissionContext withNamespaceLabels(NamespaceLabelSource labels) {
    return new AdmissionContext(scope, labels, presence, digests);
  }

  public AdmissionContext withPresence(SecretPresence secrets) {
    return new AdmissionContext(scope, namespaceLabels, secrets, digests);
  }

  public AdmissionContext withDigests(DigestLookup lookup) {
    return new AdmissionContext(scope, namespaceLabels, presence, lookup);
  }
}
