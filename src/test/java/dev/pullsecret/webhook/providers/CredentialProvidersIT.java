package dev.pullsecret.webhook.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.providers.PluginFailure.Kind;
import dev.pullsecret.webhook.testing.StubCredentialProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pull secret gets from its provider: one run per registry, the answers merged. */
class CredentialProvidersIT {

  @TempDir Path dir;
  private StubCredentialProvider stub;
  private CredentialProviders providers;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void install() {
    stub = StubCredentialProvider.install(dir.resolve("bin"), "stub-provider");
    List<CredentialProvider> config =
        CredentialProvider.parse(
            """
            apiVersion: kubelet.config.k8s.io/v1
            kind: CredentialProviderConfig
            providers:
              - name: stub-provider
                matchImages: ["*.test:5000"]
                defaultCacheDuration: 1h
                apiVersion: credentialprovider.kubelet.k8s.io/v1
            """,
            "config.yaml");
    providers =
        new CredentialProviders(
            config, stub.binDir(), Duration.ofSeconds(3), Clock.systemUTC(), registry);
  }

  @Test
  void asksAboutEachRegistryAndKeepsTheShortestLifetime() throws PluginFailure {
    stub.set("CACHE_DURATION", "");

    ProviderCredentials credentials =
        providers.obtain("stub-provider", registries("a.test:5000", "b.test:5000"));

    assertThat(credentials.auth())
        .containsExactly(
            new RegistryCredential("a.test:5000", "stub", "token-1"),
            new RegistryCredential("b.test:5000", "stub", "token-2"));
    assertThat(credentials.lifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(credentials.expiresAt()).hasValue(credentials.obtainedAt().plusSeconds(3600));
    assertThat(runs("success")).isEqualTo(2);
    assertThat(runs("timeout")).as("every series from the start").isZero();

    stub.set("CACHE_DURATION", "90s");
    assertThat(providers.obtain("stub-provider", registries("a.test:5000")).lifetime())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void anAnswerNotToKeepThemDoesNotHideTheLifetimeOfAnother() throws PluginFailure {
    var settings =
        new CredentialProviderProperties(
            "c", "b", Duration.ofMinutes(1), 0.5, 0.1, Duration.ofMinutes(5), null, null);
    var random = new java.util.Random(1);

    stub.set("CACHE_DURATIONS", "0 90s"); // a.test:5000 not to be kept, b.test:5000 for 90 s
    ProviderCredentials credentials =
        providers.obtain("stub-provider", registries("a.test:5000", "b.test:5000"));
    assertThat(credentials.expiresAt()).hasValue(credentials.obtainedAt().plusSeconds(90));
    assertThat(settings.renewAt(credentials, credentials.obtainedAt(), random))
        .isBefore(credentials.obtainedAt().plusSeconds(90));

    stub.set("CACHE_DURATIONS", "12h 0");
    credentials = providers.obtain("stub-provider", registries("a.test:5000", "b.test:5000"));
    assertThat(settings.renewAt(credentials, credentials.obtainedAt(), random))
        .isEqualTo(credentials.obtainedAt().plus(Duration.ofMinutes(5)));
  }

  @Test
  void leavesOutEntriesWithoutCredentials() throws PluginFailure {
    stub.behaviour("with-anonymous");

    assertThat(providers.obtain("stub-provider", registries("a.test:5000")).auth())
        .extracting(RegistryCredential::key)
        .containsExactly("a.test:5000");
  }

  @Test
  void leavesOutEntriesForRegistriesItWasNotAskedAbout() throws PluginFailure {
    stub.behaviour("with-others");

    assertThat(providers.obtain("stub-provider", registries("a.test:5000")).auth())
        .containsExactly(new RegistryCredential("a.test:5000", "stub", "token-1"));
  }

  @Test
  void eachRegistryGetsTheCredentialsOfItsOwnAnswer() throws PluginFailure {
    stub.behaviour("wildcard");

    // Both answers are keyed *.test:5000: the kubelet uses b's answer for b's images.
    assertThat(providers.obtain("stub-provider", registries("a.test:5000", "b.test:5000")).auth())
        .containsExactly(
            new RegistryCredential("a.test:5000", "stub", "token-1"),
            new RegistryCredential("b.test:5000", "stub", "token-2"));
  }

  @Test
  void anAnswerWithoutCredentialsForTheRegistryIsNotCoveredNotEmptyCredentials() {
    stub.behaviour("anonymous");

    PluginFailure failure =
        catchThrowableOfType(
            PluginFailure.class,
            () -> providers.obtain("stub-provider", registries("a.test:5000")));

    assertThat(failure).isNotNull();
    assertThat(failure.kind()).isEqualTo(Kind.NOT_COVERED);
  }

  @Test
  void oneRegistryFailingFailsThePullSecretNamingProviderAndRegistry() {
    stub.behaviour("uncovered");

    PluginFailure failure =
        catchThrowableOfType(
            PluginFailure.class,
            () -> providers.obtain("stub-provider", registries("a.test:5000")));

    assertThat(failure.kind()).isEqualTo(Kind.NOT_COVERED);
    assertThat(failure.getMessage())
        .startsWith("provider stub-provider, asked about a.test:5000: its answer has no");
    assertThat(runs("not_covered")).isEqualTo(1);
  }

  @Test
  void aProviderThatIsNotConfiguredIsSaidWithTheConfiguredOnes() {
    PluginFailure failure =
        catchThrowableOfType(
            PluginFailure.class, () -> providers.obtain("ecr-credential-provider", List.of()));

    assertThat(failure.kind()).isEqualTo(Kind.NOT_CONFIGURED);
    assertThat(failure.getMessage())
        .isEqualTo(
            "no provider \"ecr-credential-provider\" in the credential provider config (it has"
                + " stub-provider)");
    assertThat(stub.runs()).isZero();
  }

  private static List<RegistryPattern> registries(String... patterns) {
    return java.util.Arrays.stream(patterns).map(RegistryPattern::parse).toList();
  }

  private double runs(String result) {
    return registry.find("pullsecret.provider.runs").tag("result", result).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
