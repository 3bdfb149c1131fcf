package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.rules.PullSecret;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Set;

/**
 * Checks a source Secret's content for one pull secret, as the kubelet will read it: type, data
 * key, base64, JSON, each auths entry, and keys that cover every registry the pull secret is bound
 * to (the credentials package does the work).
 */
interface SourceCheck {

  /** The only types the kubelet reads as pull secrets; anything else is never copied. */
  Set<String> PULL_SECRET_TYPES =
      Set.of(PullSecretCheck.DOCKER_CONFIG_JSON, PullSecretCheck.DOCKERCFG);

  SourceCheck CREDENTIALS =
      (source, secret) ->
          PullSecretCheck.of(source.getType(), source.getData(), secret.registries())
              .problems()
              .stream()
              .map(p -> new SourceProblem(p.code().name(), p.message(), p.isError()))
              .toList();

  List<SourceProblem> check(Secret source, PullSecret secret);

  static boolean isPullSecretType(Secret source) {
    return PULL_SECRET_TYPES.contains(source.getType());
  }
}
