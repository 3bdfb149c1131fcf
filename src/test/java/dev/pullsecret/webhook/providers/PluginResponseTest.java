package dev.pullsecret.webhook.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.providers.PluginFailure.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A plugin's answer read as strictly as the kubelet reads it, and never quoted. */
class PluginResponseTest {

  private static final String V1 = "credentialprovider.kubelet.k8s.io/v1";
  private static final CredentialProvider PROVIDER =
      new CredentialProvider("p", List.of(), Duration.ofHours(1), V1, List.of(), Map.of());

  @Test
  void readsAuthAndCacheDuration() throws PluginFailure {
    PluginResponse.Answer answer =
        parse(
            """
            {"apiVersion": "credentialprovider.kubelet.k8s.io/v1",
             "kind": "CredentialProviderResponse", "cacheKeyType": "Global",
             "cacheDuration": "11h55m",
             "auth": {"*.dkr.ecr.*.amazonaws.com": {"username": "AWS", "password": "HUNTER2"},
                      "public.ecr.aws": {"username": "AWS"}}}
            """);

    assertThat(answer.auth())
        .containsExactly(
            new RegistryCredential("*.dkr.ecr.*.amazonaws.com", "AWS", "HUNTER2"),
            new RegistryCredential("public.ecr.aws", "AWS", ""));
    assertThat(answer.lifetime()).isEqualTo(Duration.ofHours(11).plusMinutes(55));
  }

  @Test
  void withoutCacheDurationTheProvidersDefaultCacheDurationApplies() throws PluginFailure {
    PluginResponse.Answer answer =
        parse(
            """
            {"apiVersion": "credentialprovider.kubelet.k8s.io/v1",
             "kind": "CredentialProviderResponse", "cacheKeyType": "Registry"}
            """);

    assertThat(answer.auth()).isEmpty();
    assertThat(answer.lifetime()).isEqualTo(PROVIDER.defaultCacheDuration());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | it wrote nothing to its standard output",
        "[1, 2] | its output is a JSON array, not an object",
        "{\"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\"} | it answered apiVersion null where the config says",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"Response\", \"cacheKeyType\": \"Image\"} | it answered kind \"Response\"",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Node\"} | cacheKeyType \"Node\" is none of Image, Registry, Global",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\"} | cacheKeyType null is none of",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"cacheDuration\": \"-1h\"} | cacheDuration must be greater than or equal to 0",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"cacheDuration\": \"soon\"} | cacheDuration \"soon\" is not a duration",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"token\": \"HUNTER2\"} | unknown field \"token\" in its answer",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"auth\": {\"r.io\": {\"username\": 1, \"password\": \"HUNTER2\"}}} | field username of auth entry \"r.io\" is a JSON number, not a string",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"auth\": {\"r.io\": {\"user\": \"HUNTER2\"}}} | unknown field \"user\" in auth entry \"r.io\"",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"auth\": {\"https://u:HUNTER2@r.io\": \"x\"}} | auth entry \"r.io\" is a JSON string, not an object",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"auth\": \"HUNTER2\"} | auth is a JSON string, not an object",
        "{\"apiVersion\": \""
            + V1
            + "\", \"auth\": {\"r.io\": {\"password\": \"HUNTER2 | its output is not JSON (line 1, column",
        "{\"apiVersion\": \"" + V1 + "\"} {} | its output is not JSON",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"auth\": {\"r.io\": {\"username\": \"HUNTER2:x\", \"password\": \"y\"}}} | the username of auth entry \"r.io\" has a ':'",
        "{\"apiVersion\": \""
            + V1
            + "\", \"kind\": \"CredentialProviderResponse\", \"cacheKeyType\": \"Image\", \"auth\": {\"r.io\": {\"password\": \"HUNTER1\"}, \"r.io\": {\"password\": \"HUNTER2\"}}} | its output gives a field twice (line 1, column",
      })
  void refusesWhatTheKubeletRefusesWithoutQuotingTheOutput(String output, String message) {
    PluginFailure failure = catchThrowableOfType(PluginFailure.class, () -> parse(output));

    assertThat(failure.kind()).isEqualTo(Kind.INVALID_RESPONSE);
    assertThat(failure.getMessage()).contains(message).doesNotContain("HUNTER2");
  }

  private static PluginResponse.Answer parse(String output) throws PluginFailure {
    return PluginResponse.parse(output.getBytes(StandardCharsets.UTF_8), PROVIDER);
  }
}
