package dev.pullsecret.webhook.tls.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.ssl.SslOptions;

class TlsPolicyTest {

  @Test
  void defaultsToTls12And13WithAeadEcdheSuites() {
    SslOptions policy = TlsPolicy.of("TLSv1.2", List.of());

    assertThat(policy.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(policy.getCiphers()).containsExactlyElementsOf(TlsPolicy.DEFAULT_CIPHER_SUITES);
    assertThat(policy.getCiphers())
        .allMatch(s -> s.startsWith("TLS_ECDHE_") || !s.contains("_WITH_"))
        .allMatch(s -> s.contains("_GCM_") || s.contains("CHACHA20_POLY1305"));
  }

  @Test
  void minimumTls13DisablesTls12() {
    SslOptions policy = TlsPolicy.of("TLSv1.3", null);

    assertThat(policy.getEnabledProtocols()).containsExactly("TLSv1.3");
  }

  @Test
  void narrowsTheSuitesInTheGivenOrder() {
    SslOptions policy =
        TlsPolicy.of(
            "TLSv1.2",
            List.of(" TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));

    assertThat(policy.getCiphers())
        .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.1", "TLSv1", "SSLv3", "tls1.2"})
  void refusesOtherMinimumVersions(String version) {
    assertThatThrownBy(() -> TlsPolicy.of(version, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("webhook.tls.min-version: '" + version + "' is not accepted");
  }

  @Test
  void refusesCbcAndStaticRsaSuitesNamingEach() {
    assertThatThrownBy(
            () ->
                TlsPolicy.of(
                    "TLSv1.2",
                    List.of(
                        "TLS_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                        "TLS_RSA_WITH_AES_128_GCM_SHA256")))
        .hasMessageContaining("webhook.tls.cipher-suites: ")
        .hasMessageContaining("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 is not a TLS 1.3 or an ECDHE")
        .hasMessageContaining("TLS_RSA_WITH_AES_128_GCM_SHA256 is not a TLS 1.3 or an ECDHE");
  }

  @Test
  void refusesSuitesTheJdkDoesNotKnow() {
    assertThatThrownBy(() -> TlsPolicy.of("TLSv1.2", List.of("TLS_AES_128_CCM_8_SHA256")))
        .hasMessageContaining("TLS_AES_128_CCM_8_SHA256 is not supported by this JDK");
  }

  @Test
  void refusesAListWithoutATls13Suite() {
    assertThatThrownBy(
            () -> TlsPolicy.of("TLSv1.2", List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")))
        .hasMessageContaining("no TLS 1.3 suite");
  }
}
