package dev.pullsecret.webhook.doctor;

import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the webhook's ServiceAccount may do what delivery needs for each delivered pull secret:
 * create, watch and update its copies (by name, in any namespace) and read its source. Asked of the
 * API server's own authorizer, one SubjectAccessReview per verb, so it answers for RBAC as it is,
 * whatever rendered it. Read-only.
 *
 * @param serviceAccount the webhook's ServiceAccount in {@code namespace} (the chart's: the
 *     release's full name)
 */
public record AccessCheck(KubernetesClient client, String namespace, String serviceAccount) {

  /** One delivered pull secret, and what the RBAC of {@code user} lacks (empty when nothing). */
  public record Result(String user, String pullSecret, List<String> lacking, String detail) {
    public boolean ok() {
      return lacking.isEmpty() && detail == null;
    }
  }

  private static final List<String> COPY_VERBS =
      List.of("list", "watch", "get", "update", "delete");
  private static final List<String> SOURCE_VERBS = List.of("list", "watch", "get");

  /** The source of a pull secret with a provider is written too: the Secret the webhook makes. */
  private static final List<String> GENERATED_VERBS = List.of("list", "watch", "get", "update");

  /** The account checked, as RBAC names it. */
  private String user() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount;
  }

  public List<Result> check(Rules rules) {
    List<Result> results = new ArrayList<>();
    // The same question (create secrets, a shared source) is asked of the API server once.
    Map<List<String>, Boolean> answers = new HashMap<>();
    Allowed allowed =
        (verb, namespace, name) ->
            answers.computeIfAbsent(
                Arrays.asList(verb, namespace, name), asked -> allowed(verb, namespace, name));
    for (PullSecret secret : rules.pullSecrets()) {
      if (!secret.isDelivered()) {
        continue;
      }
      SecretSource source = secret.source().in(namespace);
      try {
        List<String> lacking = new ArrayList<>();
        if (!allowed.test("create", "", null)) {
          lacking.add("create secrets");
        }
        for (String verb : COPY_VERBS) {
          if (!allowed.test(verb, "", secret.name())) {
            lacking.add(verb + " secrets named " + secret.name());
          }
        }
        for (String verb : secret.hasProvider() ? GENERATED_VERBS : SOURCE_VERBS) {
          if (!allowed.test(verb, source.namespace(), source.name())) {
            lacking.add(verb + " its source " + source);
          }
        }
        results.add(new Result(user(), secret.name(), lacking, null));
      } catch (KubernetesClientException e) {
        results.add(
            new Result(
                user(),
                secret.name(),
                List.of(),
                "cannot ask the API server (HTTP "
                    + e.getCode()
                    + "): checking another account's access needs create on"
                    + " subjectaccessreviews.authorization.k8s.io"));
        break;
      }
    }
    return results;
  }

  private interface Allowed {
    boolean test(String verb, String namespace, String name);
  }

  private boolean allowed(String verb, String namespace, String name) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user())
            .addToGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:" + this.namespace,
                "system:authenticated")
            .withNewResourceAttributes()
            .withVerb(verb)
            .withResource("secrets")
            .withNamespace(namespace)
            .withName(name)
            .endResourceAttributes()
            .endSpec()
            .build();
    SubjectAccessReview answer = client.resource(review).create();
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
