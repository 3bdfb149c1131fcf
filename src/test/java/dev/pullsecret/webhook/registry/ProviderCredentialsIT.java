package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.registry.ImagePusher.Format;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.testing.ClusterWebhook;
import dev.pullsecret.webhook.testing.Management;
import dev.pullsecret.webhook.testing.RequiresKubeApiServer;
import dev.pullsecret.webhook.testing.StubCredentialProvider;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Credentials from a provider, end to end: the webhook as a process on a real API server ({@link
 * ClusterWebhook}), the stub plugin (the real exec protocol, credentials lasting seconds), and a
 * real registry (docker-registry with htpasswd, which re-reads its users when the file changes, so
 * the test can revoke a credential once it has expired, as a cloud registry refuses an expired
 * token). Checks what the API server stores: the generated Secret and its copies, created, renewed
 * in place, kept when the plugin fails; the Events and metrics; and pods pinned by digest through
 * the provider's credentials, before and after a renewal. A Failsafe test.
 */
@RequiresKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderCredentialsIT {

  private static final String PASSWORD = "registry-pass";
  private static final List<String> USERS =
      IntStream.rangeClosed(1, 12).mapToObj(i -> "renewed-" + i).toList();

  private ClusterWebhook cluster;
  private RegistryProcess registry;
  private ImagePusher pusher;
  private RegistryClient client;
  private StubCredentialProvider registryStub;
  private StubCredentialProvider renewedStub;

  @BeforeAll
  void start() throws Exception {
    RegistryProcess.requireBinary();
    Path dir = Files.createTempDirectory("provider-it");
    Map<String, String> users = new LinkedHashMap<>();
    USERS.forEach(user -> users.put(user, PASSWORD));
    registry =
        RegistryProcess.withUsers(
            dir.resolve("registry"), RegistryProcess.certificates(KeyAlgorithm.ECDSA_P256), users);
    SSLContext tls = TrustBundle.sslContext(Optional.of(registry.caBundle()));
    var pushing = new RegistryCredential(registry.domain(), USERS.getLast(), PASSWORD);
    pusher = new ImagePusher(tls, registry.domain(), repository -> pushing.basicAuthorization());
    client = new RegistryClient(() -> tls, Duration.ofSeconds(2), Duration.ofSeconds(5));

    Path bin = dir.resolve("bin");
    registryStub =
        StubCredentialProvider.install(bin, "stub-registry")
            .set("USERNAMES", String.join(" ", USERS))
            .set("PASSWORD", PASSWORD)
            .set("CACHE_DURATION", "6s");
    renewedStub = StubCredentialProvider.install(bin, "stub-renewed").set("CACHE_DURATION", "4s");
    Path config = dir.resolve("providers.yaml");
    Files.writeString(
        config,
        """
        apiVersion: kubelet.config.k8s.io/v1
        kind: CredentialProviderConfig
        providers:
          - name: stub-registry
            matchImages: ["%s"]
            defaultCacheDuration: 1h
            apiVersion: credentialprovider.kubelet.k8s.io/v1
          - name: stub-renewed
            matchImages: ["registry.test:5000"]
            defaultCacheDuration: 1h
            apiVersion: credentialprovider.kubelet.k8s.io/v1
        """
            .formatted(registry.domain()));

    cluster = new ClusterWebhook();
    cluster.start(
        """
        pullSecrets:
          - name: registry-creds
            provider: stub-registry
            registries: ["%s"]
          - name: renewed-creds
            provider: stub-renewed
            registries: ["registry.test:5000"]
          - name: by-hand
        rules:
          - name: pinned
            namespaces: ["pinned-*"]
            pullSecrets: [registry-creds, by-hand]
            images:
              resolveDigests: {}
          - name: renewed
            namespaces: ["renewed-*"]
            pullSecrets: [renewed-creds, by-hand]
        """
            .formatted(registry.domain())
            .getBytes(StandardCharsets.UTF_8),
        Map.of(
            "webhook.credential-providers.config",
            config.toString(),
            "webhook.credential-providers.bin-dir",
            bin.toString(),
            "webhook.credential-providers.timeout",
            "5s",
            "webhook.credential-providers.retry-base-delay",
            "200ms",
            "webhook.credential-providers.retry-max-delay",
            "1s",
            "webhook.digests.ca-bundle",
            registry.caBundle().toString()),
        "renewed-probe-");
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void digestsResolveWithTheProvidersCredentialsBeforeAndAfterTheyAreRenewed() throws Exception {
    String first = pusher.pushImage("team/app", "1", Format.OCI, "amd64");
    String second = pusher.pushImage("team/app", "2", Format.OCI, "amd64");
    String namespace = cluster.namespace("pinned-", Map.of());
    String generated = "registry-creds-provider";
    cluster.eventually(
        "the provider's credentials in " + generated,
        () -> assertThat(cluster.secret(cluster.own(), generated)).isNotNull());
    String user = credential(cluster.secret(cluster.own(), generated)).username();

    cluster.eventually(
        "a pod's image pinned with the credentials of " + user,
        () -> assertThat(image(dryRun(namespace, "app:1"))).endsWith("@" + first));

    cluster.eventually(
        "the credentials of " + user + " renewed",
        Duration.ofSeconds(15),
        () ->
            assertThat(credential(cluster.secret(cluster.own(), generated)).username())
                .isNotEqualTo(user));
    var revoked = new LinkedHashMap<String, String>();
    USERS.stream().filter(u -> !u.equals(user)).forEach(u -> revoked.put(u, PASSWORD));
    registry.users(revoked);
    cluster.eventually(
        "the registry refusing " + user + ", as it would a token that expired",
        () ->
            assertThat(failure("app:1", new RegistryCredential(registry.domain(), user, PASSWORD)))
                .isEqualTo(Failure.REFUSED));

    cluster.eventually(
        "a pod's image pinned with the renewed credentials",
        () -> assertThat(image(dryRun(namespace, "app:2"))).endsWith("@" + second));
    Pod stored = create(namespace, "app:2");
    assertThat(image(stored)).isEqualTo(registry.domain() + "/team/app:2@" + second);
    assertThat(ClusterWebhook.pullSecretNames(stored)).contains("registry-creds");
  }

  @Test
  void theGeneratedSecretAndItsCopiesAreRenewedInPlaceAndKeptWhenThePluginFails() throws Exception {
    String own = cluster.own();
    String generated = "renewed-creds-provider";
    String namespace = cluster.namespace("renewed-", Map.of());
    cluster.eventually(
        "renewed-creds copied into " + namespace,
        () -> assertThat(cluster.secret(namespace, "renewed-creds")).isNotNull());
    Secret source = cluster.secret(own, generated);
    assertThat(source.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pullsecret-webhook")
        .containsEntry("pullsecret.dev/generated-by", "credential-provider");
    assertThat(source.getMetadata().getAnnotations())
        .containsEntry("pullsecret.dev/provider", "stub-renewed")
        .containsKeys("pullsecret.dev/expires-at", "pullsecret.dev/renew-at");
    Secret copy = cluster.secret(namespace, "renewed-creds");
    String copyUid = copy.getMetadata().getUid();
    String sourceUid = source.getMetadata().getUid();
    Instant firstExpiry = expiry(source);

    var renewed = new java.util.concurrent.atomic.AtomicReference<Secret>();
    cluster.eventually(
        "the generated Secret renewed in place",
        Duration.ofSeconds(10),
        () -> {
          Secret current = cluster.secret(own, generated);
          assertThat(current.getMetadata().getUid()).isEqualTo(sourceUid);
          assertThat(current.getData()).isNotEqualTo(source.getData());
          renewed.set(current);
        });
    assertThat(obtained(renewed.get()))
        .as("renewed before the credentials it replaced expired")
        .isBefore(firstExpiry);
    cluster.eventually(
        "the copy in " + namespace + " updated in place",
        () -> {
          Secret updated = cluster.secret(namespace, "renewed-creds");
          assertThat(updated.getMetadata().getUid()).isEqualTo(copyUid);
          assertThat(updated.getData()).isEqualTo(cluster.secret(own, generated).getData());
        });
    assertThat(events(own, generated, "CredentialsRenewed")).hasSizeGreaterThanOrEqualTo(2);

    renewedStub.behaviour("fail");
    cluster.eventually(
        "a CredentialsRenewalFailed Event on " + generated,
        Duration.ofSeconds(10),
        () -> assertThat(events(own, generated, "CredentialsRenewalFailed")).isNotEmpty());
    Secret last = cluster.secret(own, generated); // nothing renews it any more
    cluster.eventually(
        "the last credentials expired, and still there",
        Duration.ofSeconds(10),
        () -> assertThat(Instant.now()).isAfter(expiry(last).plusSeconds(1)));

    assertThat(cluster.secret(own, generated).getData()).isEqualTo(last.getData());
    assertThat(cluster.secret(namespace, "renewed-creds").getData()).isEqualTo(last.getData());
    String lastToken = credential(last, "registry.test:5000/app").password();
    assertThat(events(own, generated, "CredentialsRenewalFailed").getFirst().getNote())
        .contains("failed (exit_status): provider stub-renewed, asked about registry.test:5000")
        .contains("last token <redacted>")
        .doesNotContain(lastToken);
    String scrape = cluster.scrape();
    assertThat(
            Management.value(
                scrape,
                "pullsecret_provider_runs_total{provider=\"stub-renewed\",result=\"exit_status\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            Management.value(
                scrape,
                "pullsecret_provider_credentials_remaining_seconds{pull_secret=\"renewed-creds\"}"))
        .isNegative();

    renewedStub.behaviour("answer");
    cluster.eventually(
        "renewed again once the plugin answers",
        Duration.ofSeconds(10),
        () ->
            assertThat(cluster.secret(namespace, "renewed-creds").getData())
                .isNotEqualTo(last.getData()));
  }

  private Pod dryRun(String namespace, String tag) {
    return cluster.admin().pods().inNamespace(namespace).resource(pod(tag)).dryRun().create();
  }

  private Pod create(String namespace, String tag) {
    return cluster.admin().pods().inNamespace(namespace).resource(pod(tag)).create();
  }

  private Pod pod(String tag) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("app-" + tag.replace(':', '-').replace('.', '-'))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(registry.domain() + "/team/" + tag)
        .endContainer()
        .endSpec()
        .build();
  }

  private static String image(Pod pod) {
    return pod.getSpec().getContainers().getFirst().getImage();
  }

  private Failure failure(String tag, RegistryCredential credential) {
    try {
      client.resolve(
          ImageReference.parse(registry.domain() + "/team/" + tag), Optional.of(credential));
      return null;
    } catch (RegistryException e) {
      return e.lookup().failure();
    }
  }

  private RegistryCredential credential(Secret secret) {
    return credential(secret, registry.domain() + "/team/app");
  }

  private static RegistryCredential credential(Secret secret, String image) {
    return PullSecretCheck.of(secret.getType(), secret.getData(), List.of())
        .config()
        .credentialFor(ImageReference.parse(image + ":1"))
        .orElseThrow();
  }

  private List<Event> events(String namespace, String name, String reason) {
    return cluster.admin().events().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && name.equals(e.getRegarding().getName()))
        .toList();
  }

  private static Instant obtained(Secret secret) {
    return Instant.parse(secret.getMetadata().getAnnotations().get("pullsecret.dev/renewed-at"));
  }

  private static Instant expiry(Secret secret) {
    return Instant.parse(secret.getMetadata().getAnnotations().get("pullsecret.dev/expires-at"));
  }
}
