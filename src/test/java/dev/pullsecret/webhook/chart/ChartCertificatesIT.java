package dev.pullsecret.webhook.chart;

import static dev.pullsecret.webhook.chart.Renderings.SERVICE_HOST;
import static dev.pullsecret.webhook.chart.Renderings.caBundleOfCertsTool;
import static dev.pullsecret.webhook.chart.Renderings.certificate;
import static dev.pullsecret.webhook.chart.Renderings.custom;
import static dev.pullsecret.webhook.chart.Renderings.data;
import static dev.pullsecret.webhook.chart.Renderings.dnsNames;
import static dev.pullsecret.webhook.chart.Renderings.existingSecret;
import static dev.pullsecret.webhook.chart.Renderings.expectedTlsSecret;
import static dev.pullsecret.webhook.chart.Renderings.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullsecret.webhook.chart.HelmChart.Rendering;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart's three certificate modes, rendered by the real Helm engine: certificates made by
 * Helm (kept across upgrades), by cert-manager, or an existing Secret with its CA bundle given.
 */
class ChartCertificatesIT {

  @AfterEach
  void forgetSecrets() {
    HelmChart.api().clear();
  }

  @Nested
  class HelmCertificates {

    @Test
    void caBundleIsTheCaThatSignedTheServingCertificate() throws Exception {
      Rendering r = HelmChart.render(Map.of());
      Secret secret = r.one(Secret.class);
      byte[] caBundle = webhook(r).getClientConfig().getCaBundle().getBytes();

      X509Certificate ca = certificate(Base64.getDecoder().decode(caBundle));
      X509Certificate serving = certificate(data(secret, "tls.crt"));

      assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
      assertThat(data(secret, "ca.crt")).isEqualTo(Base64.getDecoder().decode(caBundle));
      serving.verify(ca.getPublicKey());
      assertThat(ca.getBasicConstraints()).isNotNegative();
      assertThat(new String(data(secret, "tls.key"), StandardCharsets.US_ASCII))
          .startsWith("-----BEGIN EC PRIVATE KEY-----");
    }

    @Test
    void servingCertificateNamesTheServiceAsTheApiServerCallsIt() throws Exception {
      Rendering r =
          HelmChart.render(
              "webhooks",
              "platform",
              Values.of("certificates.extraDnsNames", List.of("x.example")));
      X509Certificate serving = certificate(data(r.one(Secret.class), "tls.crt"));

      assertThat(dnsNames(serving))
          .containsExactly(
              "webhooks-pullsecret-webhook",
              "webhooks-pullsecret-webhook.platform",
              "webhooks-pullsecret-webhook.platform.svc",
              "webhooks-pullsecret-webhook.platform.svc.cluster.local",
              "x.example");
      serving.checkValidity();
      assertThat(serving.getNotAfter().toInstant())
          .isAfter(Instant.now().plus(Duration.ofDays(3640)));
    }

    @Test
    void upgradeReusesTheExistingSecretAndItsCa() {
      Secret installed = HelmChart.render(Map.of()).one(Secret.class);
      HelmChart.api().put(installed);

      Rendering upgrade = HelmChart.render(Map.of());

      assertThat(upgrade.one(Secret.class).getData()).isEqualTo(installed.getData());
      assertThat(webhook(upgrade).getClientConfig().getCaBundle())
          .isEqualTo(installed.getData().get("ca.crt"));
      assertThat(HelmChart.api().unexpectedRequests()).isEmpty();
    }

    @Test
    void upgradeReplacesASecretWithoutItsCa() {
      Secret installed = HelmChart.render(Map.of()).one(Secret.class);
      var withoutCa = new SecretBuilder(installed).build();
      withoutCa.getData().remove("ca.crt");
      HelmChart.api().put(withoutCa);

      Rendering upgrade = HelmChart.render(Map.of());
      Secret replaced = upgrade.one(Secret.class);

      assertThat(replaced.getData().get("tls.crt"))
          .isNotEqualTo(installed.getData().get("tls.crt"));
      assertThat(webhook(upgrade).getClientConfig().getCaBundle())
          .isEqualTo(replaced.getData().get("ca.crt"));
    }

    @Test
    void everyInstallWithoutASecretGetsItsOwnCa() {
      String first = webhook(HelmChart.render(Map.of())).getClientConfig().getCaBundle();
      String second = webhook(HelmChart.render(Map.of())).getClientConfig().getCaBundle();

      assertThat(first).isNotEqualTo(second);
    }
  }

  @Nested
  class CertManagerCertificates {

    private final Rendering r = HelmChart.render(Values.of("certificates.mode", "certManager"));

    @Test
    void caInjectorFillsTheCaBundleFromTheServingCertificate() {
      var config = r.one(MutatingWebhookConfiguration.class);

      assertThat(config.getMetadata().getAnnotations())
          .containsEntry(
              "cert-manager.io/inject-ca-from", "pullsecret-webhook/pullsecret-webhook-tls");
      assertThat(webhook(r).getClientConfig().getCaBundle()).isNull();
      assertThat(r.all(Secret.class)).isEmpty();
    }

    @Test
    void servingCertificateIsSignedByTheChartsOwnCa() {
      GenericKubernetesResource serving = custom(r, "Certificate", "pullsecret-webhook-tls");
      GenericKubernetesResource ca = custom(r, "Certificate", "pullsecret-webhook-ca");
      GenericKubernetesResource caIssuer = custom(r, "Issuer", "pullsecret-webhook-ca");
      GenericKubernetesResource selfSigned = custom(r, "Issuer", "pullsecret-webhook-selfsigned");

      assertThat((Object) serving.get("spec", "secretName")).isEqualTo(expectedTlsSecret(r));
      assertThat((List<Object>) serving.get("spec", "dnsNames"))
          .contains(SERVICE_HOST, "pullsecret-webhook.pullsecret-webhook.svc.cluster.local");
      assertThat((Object) serving.get("spec", "issuerRef", "name"))
          .isEqualTo("pullsecret-webhook-ca");
      assertThat((Object) caIssuer.get("spec", "ca", "secretName"))
          .isEqualTo(ca.get("spec", "secretName"));
      assertThat((Object) ca.get("spec", "isCA")).isEqualTo(true);
      assertThat((Object) ca.get("spec", "issuerRef", "name"))
          .isEqualTo(selfSigned.getMetadata().getName());
      assertThat((Object) selfSigned.get("spec", "selfSigned")).isEqualTo(Map.of());
    }

    @Test
    void anExistingIssuerReplacesTheChartsCa() {
      Rendering own =
          HelmChart.render(
              Values.of(
                  "certificates.mode",
                  "certManager",
                  "certificates.certManager.issuerRef",
                  Map.of("name", "corp-ca", "kind", "ClusterIssuer", "group", "cert-manager.io")));

      assertThat(own.kinds()).doesNotContain("Issuer").containsOnlyOnce("Certificate");
      assertThat(
              (Object)
                  custom(own, "Certificate", "pullsecret-webhook-tls").get("spec", "issuerRef"))
          .isEqualTo(
              Map.of("name", "corp-ca", "kind", "ClusterIssuer", "group", "cert-manager.io"));
    }
  }

  @Nested
  class ExistingSecretCertificates {

    @Test
    void caBundleIsTheValueGiven() {
      String caBundle = caBundleOfCertsTool();
      Rendering r = HelmChart.render(existingSecret(caBundle));

      assertThat(webhook(r).getClientConfig().getCaBundle()).isEqualTo(caBundle);
      assertThat(r.kinds()).doesNotContain("Secret", "Certificate", "Issuer");
      assertThat(expectedTlsSecret(r)).isEqualTo("webhook-tls");
    }

    @Test
    void refusesToRenderWithoutTheCaBundle() {
      var values =
          Values.of(
              "certificates.mode", "existingSecret", "certificates.existingSecret", "webhook-tls");

      assertThatThrownBy(() -> HelmChart.render(values)).hasMessageContaining("caBundle");
    }

    @Test
    void refusesToRenderWithoutTheSecretName() {
      var values =
          Values.of(
              "certificates.mode",
              "existingSecret",
              "certificates.caBundle",
              caBundleOfCertsTool());

      assertThatThrownBy(() -> HelmChart.render(values)).hasMessageContaining("existingSecret");
    }
  }
}
