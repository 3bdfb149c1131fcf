package dev.pullsecret.webhook.testing;

import dev.pullsecret.webhook.admission.AdmissionContext;
import dev.pullsecret.webhook.rules.NamespaceScope;
import java.util.Set;

/** The scope and admission context tests decide with, as the webhook's defaults set them. */
public final class TestContexts {

  /** kube-system skipped, and the default opt-out label {@code pullsecret.dev/inject=disabled}. */
  public static final NamespaceScope SCOPE =
      new NamespaceScope(
          Set.of("kube-system"),
          NamespaceScope.OptOutLabel.parse("pullsecret.dev/inject=disabled"));

  private TestContexts() {}

  /** No namespace labels, no delivered secrets, no digests. */
  public static AdmissionContext offline() {
    return AdmissionContext.offline(SCOPE);
  }
}
