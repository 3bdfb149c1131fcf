package dev.pullsecret.webhook.chart;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.springframework.boot.convert.DurationStyle;

/**
 * The renderings of the chart that the chart tests check (each made once, with the real Helm
 * engine), and finders over one rendering.
 */
final class Renderings {

  private Renderings() {}

  static final String SERVICE_HOST = "pullsecret-webhook.pullsecret-webhook.svc";

  private static List<Arguments> scenarios;

  /**
   * One rendering per certificate mode and a few value sets that change names and options, made
   * once: every safety property below is checked against each.
   */
  static synchronized Stream<Arguments> scenarios() {
    if (scenarios == null) {
      scenarios = renderScenarios();
    }
    return scenarios.stream();
  }

  private static List<Arguments> renderScenarios() {
    return List.of(
        scenario("defaults (helm certificates)", Map.of()),
        scenario("cert-manager", Values.of("certificates.mode", "certManager")),
        scenario("references only (sync off)", Values.of("sync.enabled", false)),
        scenario(
            "cert-manager with an existing ClusterIssuer",
            Values.of(
                "certificates.mode",
                "certManager",
                "certificates.certManager.issuerRef",
                Map.of("name", "corp-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"))),
        scenario("existing secret", existingSecret(caBundleOfCertsTool())),
        scenario(
            "every option on",
            Values.of(
                "replicaCount",
                3,
                "podAntiAffinity",
                "hard",
                "priorityClassName",
                "system-cluster-critical",
                "jvmOptions",
                "-XX:MaxRAMPercentage=50",
                "logFormat",
                "ecs",
                "preStopSleepSeconds",
                10,
                "terminationGracePeriodSeconds",
                45,
                "extraEnv",
                List.of(Map.of("name", "LOGGING_LEVEL_ROOT", "value", "DEBUG")),
                "existingRulesConfigMap",
                "platform-rules",
                "webhook.failurePolicy",
                "Fail",
                "webhook.ephemeralContainers",
                true,
                "webhook.excludeNamespaces",
                List.of("legacy", "kube-system"),
                "webhook.matchConditions",
                List.of(
                    Map.of("name", "not-ci", "expression", "request.userInfo.username != 'ci'")),
                "networkPolicy.enabled",
                true,
                "serviceMonitor.enabled",
                true,
                "prometheusRule.enabled",
                true,
                "prometheusRule.secretDelivery",
                true,
                "grafanaDashboard.enabled",
                true,
                "autoscaling.enabled",
                true,
                "autoscaling.minReplicas",
                3,
                "podDisruptionBudget.minAvailable",
                2,
                "nodeAffinity",
                Map.of(
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    Map.of(
                        "nodeSelectorTerms",
                        List.of(
                            Map.of(
                                "matchExpressions",
                                List.of(
                                    Map.of(
                                        "key", "node-role.kubernetes.io/system",
                                        "operator", "Exists")))))))),
        Arguments.of(
            "another release name and namespace",
            HelmChart.render(
                "webhooks",
                "platform",
                Values.of("certificates.extraDnsNames", List.of("x.example")))));
  }

  private static Arguments scenario(String name, Map<String, ?> values) {
    return Arguments.of(name, HelmChart.render(values));
  }

  static final String NAME_LABEL = "kubernetes.io/metadata.name";

  /** spring.lifecycle.timeout-per-shutdown-phase of the webhook's application.properties. */
  static Duration shutdownPhaseOfTheWebhook() throws Exception {
    var properties = new Properties();
    try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
      properties.load(in);
    }
    return DurationStyle.detectAndParse(
        properties.getProperty("spring.lifecycle.timeout-per-shutdown-phase"));
  }

  static MutatingWebhook webhook(Rendering r) {
    return r.one(MutatingWebhookConfiguration.class).getWebhooks().getFirst();
  }

  static PodSpec podSpec(Rendering r) {
    return r.one(Deployment.class).getSpec().getTemplate().getSpec();
  }

  static Container webhookContainer(Rendering r) {
    return podSpec(r).getContainers().stream()
        .filter(c -> c.getName().equals("webhook"))
        .findFirst()
        .orElseThrow();
  }

  static VolumeMount mount(Rendering r, String path) {
    return webhookContainer(r).getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  static Volume volume(Rendering r, String name) {
    return podSpec(r).getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  static LabelSelectorRequirement requirement(List<LabelSelectorRequirement> all, String key) {
    return all.stream()
        .filter(e -> e.getKey().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no selector requirement on " + key));
  }

  /** The container port a Service port's targetPort (a name or a number) points at. */
  static ContainerPort containerPort(Container container, ServicePort servicePort) {
    var target = servicePort.getTargetPort();
    return container.getPorts().stream()
        .filter(
            p ->
                target.getStrVal() != null
                    ? target.getStrVal().equals(p.getName())
                    : target.getIntVal().equals(p.getContainerPort()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("targetPort " + target + " is no container port"));
  }

  static int portNumber(Container container, String name) {
    return container.getPorts().stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name))
        .getContainerPort();
  }

  /** The Secret each certificate mode fills, found independently of the Deployment. */
  static String expectedTlsSecret(Rendering r) {
    var certificates =
        r.all(GenericKubernetesResource.class).stream()
            .filter(g -> g.getKind().equals("Certificate"))
            .filter(g -> !Boolean.TRUE.equals(g.get("spec", "isCA")))
            .toList();
    if (!certificates.isEmpty()) {
      return certificates.getFirst().get("spec", "secretName");
    }
    var secrets = r.all(Secret.class);
    if (!secrets.isEmpty()) {
      return secrets.getFirst().getMetadata().getName();
    }
    return "webhook-tls";
  }

  static GenericKubernetesResource custom(Rendering r, String kind, String name) {
    return r.all(GenericKubernetesResource.class).stream()
        .filter(g -> g.getKind().equals(kind) && g.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + r.kinds()));
  }

  static byte[] data(Secret secret, String key) {
    return Base64.getDecoder().decode(secret.getData().get(key));
  }

  static X509Certificate certificate(byte[] pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
  }

  static List<String> dnsNames(X509Certificate certificate) throws Exception {
    return certificate.getSubjectAlternativeNames().stream()
        .filter(san -> (Integer) san.get(0) == 2)
        .map(san -> (String) san.get(1))
        .toList();
  }

  /**
   * Values of an install on the Secret {@code webhook-tls} with {@code caBundle} as its CA, then
   * {@code more} paths and values.
   */
  static Map<String, Object> existingSecret(String caBundle, Object... more) {
    Object[] existing = {
      "certificates.mode", "existingSecret",
      "certificates.existingSecret", "webhook-tls",
      "certificates.caBundle", caBundle
    };
    return Values.of(Stream.concat(Stream.of(existing), Stream.of(more)).toArray());
  }

  /** A caBundle as the jar's certs command writes it (caBundle.b64). */
  static String caBundleOfCertsTool() {
    return PemFiles.caBundle(TestServerFiles.generateCertificates().caCertificate());
  }
}
