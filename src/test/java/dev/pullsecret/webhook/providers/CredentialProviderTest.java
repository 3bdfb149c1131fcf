package dev.pullsecret.webhook.providers;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.RulesError;
import dev.pullsecret.webhook.testing.FailureAnalyses;
import dev.pullsecret.webhook.testing.RefusedFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * The CredentialProviderConfig as the kubelet reads it: the clouds' own configs are taken as they
 * are; the kubelet's checks, and this webhook's two refusals, are reported with their locations.
 */
class CredentialProviderTest {

  private static final String INVALID = "providers/invalid/";

  @Test
  void readsTheConfigsOfTheThreeCloudsAsTheirKubeletsAreGivenThem() {
    List<CredentialProvider> config =
        CredentialProvider.parse(
            new String(resource("providers/clouds.yaml"), StandardCharsets.UTF_8), "clouds.yaml");

    assertThat(config)
        .extracting(CredentialProvider::name)
        .containsExactly("ecr-credential-provider", "auth-provider-gcp", "acr-credential-provider");
    CredentialProvider ecr = config.get(0);
    assertThat(ecr.defaultCacheDuration()).isEqualTo(Duration.ofHours(12));
    assertThat(ecr.apiVersion()).isEqualTo("credentialprovider.kubelet.k8s.io/v1");
    assertThat(ecr.args()).isEmpty();
    assertThat(ecr.env()).containsExactly(Map.entry("AWS_PROFILE", "ecr-pull"));
    assertThat(ecr.matches(RegistryPattern.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com")))
        .isTrue();
    assertThat(
            ecr.matches(RegistryPattern.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team")))
        .isTrue();
    assertThat(ecr.matches(RegistryPattern.parse("europe-docker.pkg.dev"))).isFalse();
    CredentialProvider gcp = config.get(1);
    assertThat(gcp.defaultCacheDuration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(gcp.matches(RegistryPattern.parse("europe-docker.pkg.dev"))).isTrue();
    assertThat(gcp.matches(RegistryPattern.parse("gcr.io"))).isTrue();
    assertThat(config.get(2).args()).containsExactly("/etc/kubernetes/azure.json");
  }

  @Test
  void readsJsonToo() {
    List<CredentialProvider> config =
        CredentialProvider.parse(
            """
            {"apiVersion": "kubelet.config.k8s.io/v1alpha1", "kind": "CredentialProviderConfig",
             "providers": [{"name": "ecr-credential-provider",
               "matchImages": ["*.dkr.ecr.*.amazonaws.com"], "defaultCacheDuration": "0",
               "apiVersion": "credentialprovider.kubelet.k8s.io/v1alpha1",
               "env": [{"name": "AWS_CONFIG_FILE", "value": "/.aws/config"}]}]}
            """,
            "config.json");

    assertThat(config)
        .singleElement()
        .extracting(CredentialProvider::name)
        .isEqualTo("ecr-credential-provider");
    assertThat(config.getFirst().defaultCacheDuration()).isZero();
  }

  static Stream<String> invalidFiles() {
    return RefusedFiles.in(INVALID);
  }

  /**
   * Each file says what must be reported in {@code # expect: LINE:COLUMN: PATH: MESSAGE} lines;
   * every expected error must be reported, and nothing else.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void refusesInvalidFileWithEveryErrorLocated(String file) {
    String text = new String(resource(INVALID + file), StandardCharsets.UTF_8);
    List<String> expected = RefusedFiles.expected(text);

    var error =
        catchThrowableOfType(
            InvalidProviderConfigException.class,
            () -> CredentialProvider.parse(text, "config.yaml"));

    RefusedFiles.assertReportedExactly(error, expected, "credential provider config");
  }

  @Test
  void aMissingFileIsRefusedWithItsPath(@TempDir Path dir) {
    Path missing = dir.resolve("config.yaml");

    var error =
        catchThrowableOfType(
            InvalidProviderConfigException.class, () -> CredentialProvider.read(missing));

    assertThat(error.getMessage()).contains(missing + ": file not found");
  }

  @Test
  void anInvalidConfigAtStartUpIsPrintedWithItsErrorsInsteadOfAStackTrace() {
    var refused =
        new InvalidProviderConfigException(
            "config.yaml", List.of(new RulesError("providers", 3, 1, "required")));

    List<FailureAnalysis> analyses = FailureAnalyses.of(refused);

    assertThat(analyses)
        .singleElement()
        .satisfies(
            analysis -> {
              assertThat(analysis.getDescription())
                  .contains("config.yaml:3:1: providers: required");
              assertThat(analysis.getAction()).contains("webhook.credential-providers.config");
            });
  }
}
