package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.delivery.SyncFixture.OWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.delivery.SyncFixture.Replica;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.providers.CredentialProvider;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.testing.StubCredentialProvider;
import dev.pullsecret.webhook.testing.WallClock;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials from a provider (the stub plugin, lifetimes of seconds, in real time) kept in the
 * Secret the webhook generates, delivered by the sync loop, renewed before they expire, kept when
 * the plugin fails; against fabric8's mock API server.
 */
@WallClock
class ProviderRenewalsIT {

  private static final String GENERATED = "stub-creds-provider";

  @TempDir Path dir;
  @AutoClose SyncFixture cluster;
  private StubCredentialProvider stub;

  @BeforeEach
  void start() {
    cluster = new SyncFixture(dir);
    cluster.useRules("delivery/provider-rules.yaml");
    stub = StubCredentialProvider.install(dir.resolve("bin"), "stub-provider");
  }

  /** A leader with renewals; the stub's credentials last {@code lifetime} unless it says. */
  private Replica leader(String lifetime) {
    Replica replica = cluster.start("replica-a");
    cluster.renewals(replica, registry -> providers(lifetime, registry));
    await().atMost(Duration.ofSeconds(5)).until(replica::isLeader);
    return replica;
  }

  private CredentialProviders providers(
      String lifetime, io.micrometer.core.instrument.MeterRegistry registry) {
    return providers(lifetime, registry, Clock.systemUTC());
  }

  private CredentialProviders providers(
      String lifetime, io.micrometer.core.instrument.MeterRegistry registry, Clock clock) {
    return new CredentialProviders(
        CredentialProvider.parse(
            stub.config("registry.test:5000", lifetime, Map.of()), "config.yaml"),
        stub.binDir(),
        Duration.ofSeconds(3),
        clock,
        registry);
  }

  @Test
  void generatesTheSourceInItsNamespaceAndDeliversItLikeAnyOther() {
    Replica replica = leader("1h");
    cluster.createNamespace("team-a");

    await().until(() -> cluster.secret("team-a", "stub-creds") != null);
    Secret generated = cluster.secret(OWN, GENERATED);
    assertThat(generated.getType()).isEqualTo(PullSecretCheck.DOCKER_CONFIG_JSON);
    assertThat(generated.getMetadata().getLabels())
        .containsEntry(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
        .containsEntry(GeneratedSecret.GENERATED_LABEL, GeneratedSecret.GENERATED_BY);
    assertThat(generated.getMetadata().getAnnotations())
        .containsEntry(GeneratedSecret.PROVIDER_ANNOTATION, "stub-provider")
        .containsEntry(GeneratedSecret.PULL_SECRET_ANNOTATION, "stub-creds")
        .containsEntry(GeneratedSecret.REGISTRIES_ANNOTATION, "registry.test:5000")
        .containsKeys(
            GeneratedSecret.OBTAINED_ANNOTATION,
            GeneratedSecret.EXPIRES_ANNOTATION,
            GeneratedSecret.RENEW_ANNOTATION);
    assertThat(credential(generated))
        .isEqualTo(new RegistryCredential("registry.test:5000", "stub", "token-1"));
    Secret copy = cluster.secret("team-a", "stub-creds");
    assertThat(copy.getData()).isEqualTo(generated.getData());
    assertThat(copy.getMetadata().getAnnotations())
        .containsEntry(CopyMarks.SOURCE_ANNOTATION, OWN + "/" + GENERATED);
    assertThat(events("CredentialsRenewed", GENERATED)).hasSize(1);
    await().until(() -> replica.gauge("synced") == 1);
    assertThat(gauge(replica, "remaining")).isBetween(3500.0, 3600.0);
    assertThat(gauge(replica, "lifetime")).isEqualTo(3600.0);
    assertThat(runs(replica, "success")).isEqualTo(1);
  }

  @Test
  void renewsBeforeTheyExpireAndTheCopiesFollow() {
    stub.set("CACHE_DURATION", "4s");
    Replica replica = leader("1h");
    cluster.createNamespace("team-a");
    await().until(() -> cluster.secret("team-a", "stub-creds") != null);
    Instant firstExpiry = expiry(cluster.secret(OWN, GENERATED));

    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> password(cluster.secret(OWN, GENERATED)).equals("token-2"));
    Secret renewed = cluster.secret(OWN, GENERATED);
    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> password(cluster.secret("team-a", "stub-creds")).equals("token-3"));

    assertThat(obtained(renewed)).isBefore(firstExpiry);
    assertThat(expiry(renewed)).isAfter(firstExpiry);
    assertThat(events("CredentialsRenewed", GENERATED)).hasSizeGreaterThanOrEqualTo(3);
    assertThat(gauge(replica, "lifetime")).isEqualTo(4.0);
    assertThat(stub.overlaps()).isZero();
  }

  @Test
  void twoPullSecretsOfAHangingPluginDoNotHoldUpAnotherProvidersRenewal() {
    List<StubCredentialProvider> hanging = leaderWithHanging("hanging");

    // hung-a and hung-b come first, one per worker; stub-creds is not to wait for their plugin.
    await().atMost(Duration.ofSeconds(8)).until(() -> cluster.secret(OWN, GENERATED) != null);

    assertThat(hanging.getFirst().runs()).isEqualTo(1);
    assertThat(hanging.getFirst().overlaps()).isZero();
  }

  @Test
  void twoHangingProvidersDoNotHoldUpAThirdProvidersRenewal() {
    leaderWithHanging("hanging", "hanging-2");

    // hung-a (hanging) and hung-c (hanging-2) each hold a worker until the time-out.
    await().atMost(Duration.ofSeconds(8)).until(() -> cluster.secret(OWN, GENERATED) != null);
  }

  /**
   * A leader under provider-rules-hanging.yaml, with the stub and a provider per name of {@code
   * hanging} whose plugin hangs (30 s time-out).
   */
  private List<StubCredentialProvider> leaderWithHanging(String... hanging) {
    cluster.useRules("delivery/provider-rules-hanging.yaml");
    var config = new StringBuilder(stub.config("registry.test:5000", "1h", Map.of()));
    List<StubCredentialProvider> stubs = new java.util.ArrayList<>();
    for (String name : hanging) {
      StubCredentialProvider plugin =
          StubCredentialProvider.install(dir.resolve("bin"), name).behaviour("hang");
      stubs.add(plugin);
      plugin
          .config("registry.test:5000", "1h", Map.of())
          .lines()
          .dropWhile(line -> !line.startsWith("providers:"))
          .skip(1)
          .forEach(line -> config.append(line).append('\n'));
    }
    Replica replica = cluster.start("replica-a");
    cluster.renewals(
        replica,
        registry ->
            new CredentialProviders(
                CredentialProvider.parse(config.toString(), "config.yaml"),
                stub.binDir(),
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                registry));
    return stubs;
  }

  @Test
  void aClockSetBackDoesNotPutOffTheRenewal() {
    stub.set("CACHE_DURATION", "2s");
    var offset = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return Instant.now().plus(offset.get());
          }

          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    stub.set("DELAY", "1");
    Replica replica = cluster.start("replica-a");
    cluster.renewals(replica, registry -> providers("1h", registry, clock), clock);

    // Set back while the plugin runs: its credentials are due 1.1 s after they were asked for.
    await().until(() -> stub.runs() == 1);
    offset.set(Duration.ofHours(-1));

    await()
        .atMost(Duration.ofSeconds(8))
        .until(
            () ->
                cluster.secret(OWN, GENERATED) != null
                    && password(cluster.secret(OWN, GENERATED)).equals("token-2"));
  }

  @Test
  void whenThePluginFailsTheLastCredentialsStayAndTheFailureIsTold() {
    String token = "Tok3n-0123456789-abcdefXYZ";
    stub.set("CACHE_DURATION", "3s").set("PASSWORD", token);
    Replica replica = leader("1h");
    cluster.createNamespace("team-a");
    await().until(() -> cluster.secret("team-a", "stub-creds") != null);
    stub.behaviour("fail");

    await()
        .atMost(Duration.ofSeconds(6))
        .until(() -> !events("CredentialsRenewalFailed", GENERATED).isEmpty());
    await().atMost(Duration.ofSeconds(6)).until(() -> gauge(replica, "remaining") < 0);

    assertThat(password(cluster.secret(OWN, GENERATED))).isEqualTo(token);
    assertThat(password(cluster.secret("team-a", "stub-creds"))).isEqualTo(token);
    assertThat(events("CredentialsRenewalFailed", GENERATED))
        .allSatisfy(
            event ->
                assertThat(event.getNote())
                    .contains("failed (exit_status): provider stub-provider, asked about")
                    .contains("the credentials in this Secret")
                    .contains("last token <redacted>")
                    .doesNotContain(token));
    assertThat(runs(replica, "exit_status")).isGreaterThanOrEqualTo(2);
    assertThat(stub.runs()).as("retried with back-off, not in a loop").isLessThan(30);

    stub.behaviour("answer").set("PASSWORD", "");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !password(cluster.secret("team-a", "stub-creds")).equals(token));
  }

  @Test
  void aSecretDeletedOrEditedByHandIsRestoredWithoutAskingThePluginAgain() {
    leader("1h");
    await().until(() -> cluster.secret(OWN, GENERATED) != null);

    cluster.admin.secrets().inNamespace(OWN).withName(GENERATED).delete();
    await().until(() -> cluster.secret(OWN, GENERATED) != null);
    cluster.editSecret(
        OWN, GENERATED, s -> new SecretBuilder(s).addToData("extra", "eA==").build());
    await().until(() -> !cluster.secret(OWN, GENERATED).getData().containsKey("extra"));

    assertThat(password(cluster.secret(OWN, GENERATED))).isEqualTo("token-1");
    assertThat(stub.runs()).isEqualTo(1);
  }

  @Test
  void itsRenewalTimeEditedByHandIsRestoredNotTrusted() {
    leader("1h");
    await().until(() -> cluster.secret(OWN, GENERATED) != null);
    String renewAt = renewAt(cluster.secret(OWN, GENERATED));

    cluster.editSecret(
        OWN,
        GENERATED,
        s ->
            new SecretBuilder(s)
                .editMetadata()
                .addToAnnotations(GeneratedSecret.RENEW_ANNOTATION, "2099-01-01T00:00:00Z")
                .addToAnnotations(GeneratedSecret.EXPIRES_ANNOTATION, "2099-01-01T00:00:00Z")
                .endMetadata()
                .build());

    await().until(() -> renewAt(cluster.secret(OWN, GENERATED)).equals(renewAt));
    assertThat(stub.runs()).isEqualTo(1);
  }

  private static String renewAt(Secret secret) {
    return secret.getMetadata().getAnnotations().get(GeneratedSecret.RENEW_ANNOTATION);
  }

  @Test
  void aWriteTheApiServerRefusesIsRetriedWithTheCredentialsObtainedNotANewRun() {
    Replica replica = cluster.start("replica-a");
    // Not a 5xx, which the test client would retry by itself; the copy (also created in OWN)
    // cannot come before its source.
    cluster.server.inject(
        FaultyApiServer.method("POST", "/namespaces/" + OWN + "/secrets"), 403, 2);
    cluster.renewals(replica, registry -> providers("1h", registry));

    await().until(() -> cluster.secret(OWN, GENERATED) != null);

    assertThat(stub.runs()).isEqualTo(1);
    assertThat(password(cluster.secret(OWN, GENERATED))).isEqualTo("token-1");
    await().until(() -> events("CredentialsRenewed", GENERATED).size() == 1);
    assertThat(replica.registry().get("pullsecret.secret.sync.errors").counter().count())
        .isEqualTo(2);
  }

  @Test
  void aNewLeaderRunsNoPluginBeforeTheRenewalIsDue() throws Exception {
    Replica first = leader("1h");
    await().until(() -> cluster.secret(OWN, GENERATED) != null);
    Replica second = cluster.start("replica-b");
    cluster.renewals(second, registry -> providers("1h", registry));

    first.sync().close();
    await().atMost(Duration.ofSeconds(10)).until(second::isLeader);
    cluster.createNamespace("team-b");
    await().until(() -> cluster.secret("team-b", "stub-creds") != null);

    assertThat(stub.runs()).isEqualTo(1);
    assertThat(gauge(second, "remaining")).isGreaterThan(3500.0);
  }

  @Test
  void aSecretOfThatNameThatIsNotOursIsLeftAloneAndReported() {
    cluster.createSource(OWN, GENERATED, SyncFixture.PULL, "theirs");
    leader("1h");

    await().until(() -> !events("CredentialsRenewalFailed", GENERATED).isEmpty());

    assertThat(events("CredentialsRenewalFailed", GENERATED).getFirst().getNote())
        .contains("exists and was not made by pullsecret-webhook");
    assertThat(SyncFixture.content(cluster.secret(OWN, GENERATED))).isEqualTo("theirs");
    assertThat(stub.runs()).isZero();
  }

  @Test
  void aProviderThatIsNotConfiguredIsReportedAndNoCopyIsMade() {
    Replica replica = leader("1h");
    cluster.createNamespace("lost-a");

    await().until(() -> !events("CredentialsRenewalFailed", "lost-creds-provider").isEmpty());
    await().until(() -> replica.gauge("missing") == 1);

    assertThat(events("CredentialsRenewalFailed", "lost-creds-provider").getFirst().getNote())
        .contains("failed (not_configured): no provider \"not-configured\"")
        .contains("there are no credentials yet");
    assertThat(events("SourceMissing", "lost-creds-provider").getFirst().getNote())
        .contains("credentials of pull secret(s) lost-creds not generated yet");
    assertThat(cluster.secret("lost-a", "lost-creds")).isNull();
    assertThat(runs(replica, "not_configured")).isGreaterThanOrEqualTo(1);
  }

  /** The Events of {@code reason} on the Secret {@code name} of the webhook's namespace. */
  private List<io.fabric8.kubernetes.api.model.events.v1.Event> events(String reason, String name) {
    return cluster.events(OWN, reason).stream()
        .filter(event -> event.getRegarding().getName().equals(name))
        .toList();
  }

  private static RegistryCredential credential(Secret secret) {
    return PullSecretCheck.of(secret.getType(), secret.getData(), List.of())
        .config()
        .credentialFor(ImageReference.parse("registry.test:5000/app:1"))
        .orElseThrow();
  }

  private static String password(Secret secret) {
    return credential(secret).password();
  }

  private static Instant expiry(Secret secret) {
    return Instant.parse(
        secret.getMetadata().getAnnotations().get(GeneratedSecret.EXPIRES_ANNOTATION));
  }

  private static Instant obtained(Secret secret) {
    return Instant.parse(
        secret.getMetadata().getAnnotations().get(GeneratedSecret.OBTAINED_ANNOTATION));
  }

  private static double gauge(Replica replica, String kind) {
    return replica
        .registry()
        .get("pullsecret.provider.credentials." + kind)
        .tag("pull_secret", "stub-creds")
        .gauge()
        .value();
  }

  private static double runs(Replica replica, String result) {
    return replica
        .registry()
        .get("pullsecret.provider.runs")
        .tag("result", result)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
