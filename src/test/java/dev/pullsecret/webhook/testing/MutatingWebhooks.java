package dev.pullsecret.webhook.testing;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A MutatingWebhookConfiguration shaped as the chart's ({@code mutatingwebhookconfiguration.yaml})
 * but calling a URL, for a webhook running as a process beside the API server. Without the chart's
 * {@code matchConditions}: the API server here is v1.26, which does not know them.
 */
final class MutatingWebhooks {

  private MutatingWebhooks() {}

  static MutatingWebhookConfiguration byUrl(
      String name,
      String url,
      String caPem,
      LabelSelector namespaceSelector,
      String failurePolicy) {
    return new MutatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addNewWebhook()
        .withName("inject.pullsecret.dev")
        .withAdmissionReviewVersions("v1")
        .withSideEffects("None")
        .withFailurePolicy(failurePolicy)
        .withTimeoutSeconds(5)
        .withReinvocationPolicy("IfNeeded")
        .withMatchPolicy("Equivalent")
        .withNewClientConfig()
        .withUrl(url)
        .withCaBundle(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
        .endClientConfig()
        .addNewRule()
        .withApiGroups("")
        .withApiVersions("v1")
        .withOperations("CREATE")
        .withResources("pods")
        .withScope("Namespaced")
        .endRule()
        .addNewRule()
        .withApiGroups("")
        .withApiVersions("v1")
        .withOperations("UPDATE")
        .withResources("pods/ephemeralcontainers")
        .withScope("Namespaced")
        .endRule()
        .withNamespaceSelector(namespaceSelector)
        .endWebhook()
        .build();
  }
}
