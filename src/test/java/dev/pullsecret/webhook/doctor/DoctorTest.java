package dev.pullsecret.webhook.doctor;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.cli.Cli;
import dev.pullsecret.webhook.delivery.CopyMarks;
import dev.pullsecret.webhook.delivery.GeneratedSecret;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.CrudApiServers;
import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster check against fabric8's mock API server (CRUD mode). */
class DoctorTest {

  static final String OWN = "pullsecret-webhook";
  static final String HUB_CONFIG =
      "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"cm9ib3Q6cGFzcw==\"}}}";

  KubernetesMockServer server;
  KubernetesClient client;
  final CertificateSet certificates = TestServerFiles.generateCertificates();
  final Rules rules =
      RulesParser.parse(
          new String(resource("delivery/doctor-rules.yaml"), StandardCharsets.UTF_8), "rules");

  @BeforeEach
  void cluster() {
    server = CrudApiServers.create();
    server.init();
    client = server.createClient();
    for (String ns :
        new String[] {OWN, "team-ok", "team-missing", "team-theirs", "corp-a", "other"}) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    Secret source = pullSecret(OWN, "dockerhub-creds", HUB_CONFIG);
    create(source);
    Secret copy = pullSecret("team-ok", "dockerhub-creds", HUB_CONFIG);
    copy.getMetadata().setLabels(Map.of(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY));
    create(copy);
    create(pullSecret("team-theirs", "dockerhub-creds", HUB_CONFIG));
    create(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("platform")
            .withName("corp-source")
            .endMetadata()
            .withType("Opaque")
            .withData(Map.of("password", "cw=="))
            .build());
    create(pullSecret("corp-a", "by-hand", HUB_CONFIG));
    registration(certificates.caCertificate());
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void reportsEachSecretOfEachCoveredNamespace() {
    DoctorReport report = examine(rules);

    assertThat(status(report, "team-ok", "dockerhub-creds")).isEqualTo(SecretStatus.PRESENT);
    assertThat(status(report, "team-missing", "dockerhub-creds")).isEqualTo(SecretStatus.MISSING);
    assertThat(status(report, "team-theirs", "dockerhub-creds")).isEqualTo(SecretStatus.NOT_OURS);
    assertThat(status(report, "corp-a", "corp-creds")).isEqualTo(SecretStatus.INVALID_SOURCE);
    assertThat(status(report, "corp-a", "by-hand")).isEqualTo(SecretStatus.PRESENT);
    assertThat(report.namespaces())
        .filteredOn(n -> n.rule() != null)
        .extracting(n -> n.namespace())
        .doesNotContain("other", OWN);
    assertThat(report.caBundle()).allMatch(CaBundleCheck.Result::ok);
    assertThat(report.isOk()).isFalse();
    var text = new java.io.StringWriter();
    report.print(new java.io.PrintWriter(text, true));
    assertThat(text.toString())
        .contains("team-theirs (rule teams: glob team-*)")
        .containsPattern("FAIL dockerhub-creds +not ours")
        .contains("corp-source: WRONG_TYPE")
        .contains("pullsecret-webhook left out: namespace pullsecret-webhook is never acted in")
        .contains("5 namespace(s) checked (1 left out), 3 with problems; caBundle ok");
  }

  @Test
  void aCopyInANamespaceThatOptedOutIsAProblem() {
    client
        .namespaces()
        .withName("team-ok")
        .edit(
            n ->
                new NamespaceBuilder(n)
                    .editMetadata()
                    .addToLabels("pullsecret.dev/inject", "disabled")
                    .endMetadata()
                    .build());

    DoctorReport report = examine(rules);

    assertThat(report.namespaces())
        .filteredOn(n -> n.namespace().equals("team-ok"))
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.why()).isEqualTo("namespace labelled pullsecret.dev/inject=disabled"));
    assertThat(status(report, "team-ok", "dockerhub-creds")).isEqualTo(SecretStatus.LEFT_OUT);
  }

  @Test
  void saysWhenTheCaBundleDoesNotMatchTheServingCertificate() {
    registration(TestServerFiles.generateCertificates().caCertificate());

    DoctorReport report = examine(rules);

    assertThat(report.caBundle())
        .singleElement()
        .satisfies(r -> assertThat(r.detail()).contains("does not match"));
  }

  /**
   * The serving chain of tls.crt may hold intermediates (certs/README.md), and the caBundle the
   * root that signed them: the API server verifies the leaf through the intermediates the webhook
   * presents. Doctor compared the bundle with the leaf alone and said every call fails TLS
   * verification.
   */
  @Test
  void aCaBundleOfTheRootThatSignedTheServedIntermediateMatches() throws Exception {
    CertificateSet root = TestServerFiles.generateCertificates();
    X509Certificate intermediate = signedBy(root, certificates.caCertificate());
    registration(root.caCertificate());
    String chain = PemFiles.toPem(certificates.servingCertificate()) + PemFiles.toPem(intermediate);

    var result =
        new CaBundleCheck(
                client, "pullsecret-webhook", chain.getBytes(StandardCharsets.US_ASCII), OWN, null)
            .check();

    assertThat(result).singleElement().satisfies(r -> assertThat(r.ok()).isTrue());
    registration(TestServerFiles.generateCertificates().caCertificate());
    assertThat(
            new CaBundleCheck(
                    client,
                    "pullsecret-webhook",
                    chain.getBytes(StandardCharsets.US_ASCII),
                    OWN,
                    null)
                .check())
        .singleElement()
        .satisfies(r -> assertThat(r.detail()).contains("does not match"));
  }

  /**
   * A registration left without webhooks (edited out, or rendered from broken values) calls none:
   * no pod is changed. Doctor checked the caBundle of none, printed "caBundle not checked" and
   * exited 0.
   */
  @Test
  void aRegistrationWithoutWebhooksIsAProblem() {
    register(
        new MutatingWebhookConfigurationBuilder()
            .withNewMetadata()
            .withName("pullsecret-webhook")
            .endMetadata()
            .build());

    DoctorReport report = examine(rules);

    assertThat(report.caBundle())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.ok()).isFalse();
              assertThat(r.detail()).contains("no webhook");
            });
    assertThat(report.isOk()).isFalse();
  }

  /**
   * The CA was issued again with the same key and the registration kept the old one, expired: the
   * serving certificate's signature checks against it, but the API server refuses a chain with an
   * expired CA (Go checks the dates of every certificate of the chain). Doctor said the caBundle
   * matches while every call failed.
   */
  @Test
  void aCaBundleWhoseOnlyMatchingCaHasExpiredDoesNotMatch() throws Exception {
    X509Certificate ca = certificates.caCertificate();
    Instant now = Instant.now();
    var builder =
        new JcaX509v3CertificateBuilder(
                ca.getSubjectX500Principal(),
                BigInteger.TEN,
                java.util.Date.from(now.minus(java.time.Duration.ofDays(400))),
                java.util.Date.from(now.minus(java.time.Duration.ofDays(1))),
                ca.getSubjectX500Principal(),
                ca.getPublicKey())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    X509Certificate expired =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder(ca.getSigAlgName()).build(certificates.caKey())));
    registration(expired);

    assertThat(examine(rules).caBundle())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.ok()).isFalse();
              assertThat(r.detail()).contains("expired");
            });
  }

  /** {@code ca} (its subject and key) as an intermediate CA that {@code root}'s CA signed. */
  private static X509Certificate signedBy(CertificateSet root, X509Certificate ca)
      throws Exception {
    var builder =
        new JcaX509v3CertificateBuilder(
                root.caCertificate(),
                BigInteger.TWO,
                ca.getNotBefore(),
                ca.getNotAfter(),
                ca.getSubjectX500Principal(),
                ca.getPublicKey())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    var signer =
        new JcaContentSignerBuilder(root.caCertificate().getSigAlgName()).build(root.caKey());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  /**
   * A pull secret with a provider: its generated source in the webhook's namespace is a source, not
   * a copy left out there; the line says when its credentials expire, and fails once they have.
   */
  @Test
  void saysWhenCredentialsFromAProviderExpireAndFailsOnceTheyHave() {
    Rules withProvider =
        RulesParser.parse(
            """
            pullSecrets:
              - name: ecr-creds
                provider: ecr-credential-provider
                registries: [123456789012.dkr.ecr.eu-west-1.amazonaws.com]
            rules:
              - name: teams
                namespaces: ["team-*"]
                pullSecrets: [ecr-creds]
            """,
            "rules");
    String ecr =
        "{\"auths\":{\"123456789012.dkr.ecr.eu-west-1.amazonaws.com\":"
            + "{\"auth\":\"QVdTOnRva2Vu\"}}}";
    Instant now = Instant.now();
    create(generated("ecr-creds-provider", ecr, now.minusSeconds(60), now.plusSeconds(3 * 3600)));
    Secret copy = pullSecret("team-ok", "ecr-creds", ecr);
    copy.getMetadata().setLabels(Map.of(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY));
    create(copy);

    DoctorReport fresh = examine(withProvider);

    assertThat(status(fresh, "team-ok", "ecr-creds")).isEqualTo(SecretStatus.PRESENT);
    assertThat(detail(fresh, "team-ok", "ecr-creds"))
        .startsWith("from pullsecret-webhook/ecr-creds-provider (provider ecr-credential-provider;")
        .contains("expires at")
        .containsPattern(", in (2h59m|3h0m)\\)");
    assertThat(status(fresh, "team-missing", "ecr-creds")).isEqualTo(SecretStatus.MISSING);
    assertThat(fresh.namespaces())
        .filteredOn(n -> n.namespace().equals(OWN))
        .singleElement()
        .satisfies(n -> assertThat(n.secrets()).as("a source, not a copy left out").isEmpty());

    client.secrets().inNamespace(OWN).withName("ecr-creds-provider").delete();
    create(generated("ecr-creds-provider", ecr, now.minusSeconds(7200), now.minusSeconds(60)));

    DoctorReport expired = examine(withProvider);

    assertThat(status(expired, "team-ok", "ecr-creds")).isEqualTo(SecretStatus.EXPIRED);
    assertThat(detail(expired, "team-ok", "ecr-creds"))
        .contains("expired at")
        .contains("not renewed in time (CredentialsRenewalFailed Events on");
  }

  /** A Secret as the webhook generates it for a provider's credentials. */
  private static Secret generated(String name, String config, Instant obtained, Instant expires) {
    Secret secret = pullSecret(OWN, name, config);
    secret
        .getMetadata()
        .setLabels(
            Map.of(
                CopyMarks.MANAGED_BY_LABEL,
                CopyMarks.MANAGED_BY,
                GeneratedSecret.GENERATED_LABEL,
                GeneratedSecret.GENERATED_BY));
    secret
        .getMetadata()
        .setAnnotations(
            new HashMap<>(
                Map.of(
                    GeneratedSecret.PROVIDER_ANNOTATION, "ecr-credential-provider",
                    GeneratedSecret.REGISTRIES_ANNOTATION,
                        "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                    GeneratedSecret.OBTAINED_ANNOTATION, obtained.toString(),
                    GeneratedSecret.EXPIRES_ANNOTATION, expires.toString(),
                    GeneratedSecret.RENEW_ANNOTATION, obtained.plusSeconds(1800).toString(),
                    CopyMarks.HASH_ANNOTATION, CopyMarks.contentHash(secret))));
    return secret;
  }

  /**
   * {@code --skip-namespace} names the chart's excludeNamespaces, left out besides kube-system and
   * the webhook's own namespace, which the webhook always leaves out: it replaced those two, so
   * doctor judged them covered by a rule for every namespace and failed on copies the webhook never
   * makes there.
   */
  @Test
  void namespacesSkippedOnTheCommandLineAddToThoseAlwaysLeftOut(@TempDir Path dir)
      throws Exception {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("kube-system").endMetadata().build())
        .create();
    Path everywhere = dir.resolve("rules.yaml");
    Files.writeString(
        everywhere,
        """
        pullSecrets:
          - {name: hub, registries: [docker.io], source: dockerhub-creds}
        rules:
          - name: all
            namespaces: ["*"]
            excludeNamespaces: [team-*, corp-*]
            pullSecrets: [hub]
        """);
    assertThat(
            doctor(
                "--skip-registration",
                "--skip-access",
                "--skip-namespace",
                "other",
                "--rules",
                everywhere.toString()))
        .isEqualTo(0);
  }

  @Test
  void theCommandExitsNonZeroUntilAllIsWell() {
    String[] args = {
      "--skip-registration",
      "--skip-access",
      "--rules",
      "src/test/resources/delivery/doctor-rules.yaml"
    };
    assertThat(doctor(args)).isEqualTo(1);

    client.secrets().inNamespace("team-theirs").withName("dockerhub-creds").delete();
    Secret copy = pullSecret("team-missing", "dockerhub-creds", HUB_CONFIG);
    copy.getMetadata().setLabels(Map.of(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY));
    create(copy);
    copy.getMetadata().setNamespace("team-theirs");
    copy.getMetadata().setResourceVersion(null);
    create(copy);
    create(pullSecret("platform", "corp-source-fixed", HUB_CONFIG));
    client.secrets().inNamespace("platform").withName("corp-source").delete();
    create(pullSecret("platform", "corp-source", HUB_CONFIG));
    Secret corp = pullSecret("corp-a", "corp-creds", HUB_CONFIG);
    corp.getMetadata().setLabels(Map.of(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY));
    create(corp);

    assertThat(doctor(args)).isEqualTo(0);
  }

  /** The doctor command as the jar runs it, against the test's API server only. */
  private int doctor(String... args) {
    System.setProperty("kubernetes.master", client.getConfiguration().getMasterUrl());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    try {
      String[] command = new String[args.length + 1];
      command[0] = "doctor";
      System.arraycopy(args, 0, command, 1, args.length);
      return Cli.run(command);
    } finally {
      System.clearProperty("kubernetes.master");
      System.clearProperty("kubernetes.auth.tryKubeConfig");
      System.clearProperty("kubernetes.auth.tryServiceAccount");
    }
  }

  private DoctorReport examine(Rules rules) {
    var scope =
        NamespaceScope.deployed(
            Set.of(OWN), NamespaceScope.optOutLabel("pullsecret.dev/inject=disabled"));
    return new ClusterCheck(client, OWN, scope)
        .report(
            rules,
            List.of(), // the mock API server has no authorizer: access is checked in ChartRbacIT
            new CaBundleCheck(
                    client,
                    "pullsecret-webhook",
                    PemFiles.toPem(certificates.servingCertificate())
                        .getBytes(StandardCharsets.US_ASCII),
                    OWN,
                    null)
                .check());
  }

  private static SecretStatus status(DoctorReport report, String namespace, String secret) {
    return finding(report, namespace, secret).status();
  }

  private static String detail(DoctorReport report, String namespace, String secret) {
    return finding(report, namespace, secret).detail();
  }

  private static ClusterCheck.SecretFinding finding(
      DoctorReport report, String namespace, String secret) {
    return report.namespaces().stream()
        .filter(n -> n.namespace().equals(namespace))
        .flatMap(n -> n.secrets().stream())
        .filter(s -> s.secret().equals(secret))
        .findFirst()
        .orElseThrow();
  }

  private void registration(java.security.cert.X509Certificate ca) {
    String bundle =
        Base64.getEncoder().encodeToString(PemFiles.toPem(ca).getBytes(StandardCharsets.US_ASCII));
    register(
        new MutatingWebhookConfigurationBuilder()
            .withNewMetadata()
            .withName("pullsecret-webhook")
            .endMetadata()
            .addNewWebhook()
            .withName("inject.pullsecret.dev")
            .withNewClientConfig()
            .withCaBundle(bundle)
            .endClientConfig()
            .endWebhook()
            .build());
  }

  private void register(MutatingWebhookConfiguration registration) {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(registration)
        .createOr(r -> r.update());
  }

  private void create(Secret secret) {
    client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
  }

  private static Secret pullSecret(String namespace, String name, String config) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(
            new HashMap<>(
                Map.of(
                    ".dockerconfigjson",
                    Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))))
        .build();
  }
}
