package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.PullSecret;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Set;

/** Checks a source Secret's content for one pull secret (and the registries it is bound to). */
interface SourceCheck {

  /** The only types the kubelet reads as pull secrets; anything else is never copied. */
  Set<String> PULL_SECRET_TYPES =
      Set.of("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg");

  List<SourceProblem> check(Secret source, PullSecret secret);

  static boolean isPullSecretType(Secret source) {
    return PULL_SECRET_TYPES.contains(source.getType());
  }
}
