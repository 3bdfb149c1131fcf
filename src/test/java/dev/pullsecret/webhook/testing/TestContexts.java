package dev.pullsecret.webhook.testing;

import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceScope;
import java.util.Set;
import java.util.function.Supplier;

/** The scope and admission handlers tests decide with, as the webhook's defaults set them. */
public final class TestContexts {

  /**
   * The control plane's namespaces skipped, and the default opt-out label {@code
   * pullsecret.dev/inject=disabled}.
   */
  public static final NamespaceScope SCOPE =
      NamespaceScope.deployed(
          Set.of(), NamespaceScope.optOutLabel("pullsecret.dev/inject=disabled"));

  private TestContexts() {}

  /** No namespace labels, no delivered secrets, no digests. */
  public static AdmissionHandler offline(Supplier<LoadedRules> rules) {
    return AdmissionHandler.offline(rules, SCOPE);
  }

  /** Namespace labels from {@code labels}; no delivered secrets, no digests. */
  public static AdmissionHandler withLabels(
      Supplier<LoadedRules> rules, NamespaceLabelSource labels) {
    return new AdmissionHandler(rules, SCOPE, labels, SecretPresence.UNKNOWN, DigestLookup.OFF);
  }

  /** Digests from {@code digests}; no namespace labels, no delivered secrets. */
  public static AdmissionHandler withDigests(Supplier<LoadedRules> rules, DigestLookup digests) {
    return new AdmissionHandler(
        rules, SCOPE, NamespaceLabelSource.NONE, SecretPresence.UNKNOWN, digests);
  }
}
