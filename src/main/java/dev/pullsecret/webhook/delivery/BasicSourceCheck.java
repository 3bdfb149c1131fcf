package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.rules.PullSecret;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;

/**
 * The checks that need no knowledge of credentials: a pull-secret type and its data key. Stands in
 * until the credentials package (decoding, registry coverage) is wired in.
 */
final class BasicSourceCheck implements SourceCheck {

  private static final Map<String, String> KEYS =
      Map.of(
          "kubernetes.io/dockerconfigjson", ".dockerconfigjson",
          "kubernetes.io/dockercfg", ".dockercfg");

  @Override
  public List<SourceProblem> check(Secret source, PullSecret secret) {
    String key = KEYS.get(source.getType());
    if (key == null) {
      return List.of(
          new SourceProblem(
              "WRONG_TYPE",
              "type "
                  + source.getType()
                  + " is not a pull secret: use kubernetes.io/dockerconfigjson"));
    }
    if (source.getData() == null || source.getData().getOrDefault(key, "").isEmpty()) {
      return List.of(new SourceProblem("MISSING_KEY", "no data under " + key));
    }
    return List.of();
  }
}
