package dev.pullsecret.webhook.tls.issuing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateSpecTest {

  private static CertificateSpec spec(
      String svc, String ns, List<String> dns, List<String> ips, Duration validity) {
    return new CertificateSpec(svc, ns, dns, ips, validity, KeyAlgorithm.DEFAULT);
  }

  private static CertificateSpec spec(String svc, String ns) {
    return spec(svc, ns, List.of(), List.of(), Duration.ofDays(1));
  }

  @Test
  void dnsNamesAreTheServiceNamesThenTheExtrasWithoutDuplicates() {
    var spec =
        spec(
            "hook",
            "infra",
            List.of("hook.example.com", "hook.infra.svc", "hook.example.com", "localhost"),
            List.of(),
            Duration.ofDays(1));

    assertThat(spec.dnsNames())
        .containsExactly(
            "hook",
            "hook.infra",
            "hook.infra.svc",
            "hook.infra.svc.cluster.local",
            "hook.example.com",
            "localhost");
    assertThat(spec.serviceHostName()).isEqualTo("hook.infra.svc");
  }

  @Test
  void ipAddressesAreParsedAndDeduplicatedAcrossSpellings() throws Exception {
    var spec =
        spec(
            "hook",
            "infra",
            List.of(),
            List.of("10.0.0.1", "fd00::1", "fd00:0:0:0:0:0:0:1", "10.0.0.1"),
            Duration.ofDays(1));

    assertThat(spec.ipAddresses())
        .containsExactly(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("fd00::1"));
  }

  @Test
  void nullListsMeanNoExtras() {
    var spec = spec("hook", "infra", null, null, Duration.ofDays(1));

    assertThat(spec.extraDnsNames()).isEmpty();
    assertThat(spec.extraIpAddresses()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Hook", "hook_1", "-hook", "hook-", "1hook", "hook.infra"})
  void serviceNameMustBeADns1035Label(String name) {
    assertThatThrownBy(() -> spec(name, "infra"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("service name '" + name + "' is not a valid DNS-1035 label");
  }

  @Test
  void serviceNameMayNotExceed63Characters() {
    assertThatThrownBy(() -> spec("a".repeat(64), "infra")).hasMessageContaining("at most 63");
    assertThat(spec("a".repeat(63), "infra").serviceName()).hasSize(63);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Infra", "in_fra", "-infra", "infra-", "a.b"})
  void namespaceMustBeADns1123Label(String ns) {
    assertThatThrownBy(() -> spec("hook", ns))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namespace '" + ns + "' is not a valid DNS-1123 label");
  }

  @Test
  void namespaceMayStartWithADigit() {
    assertThat(spec("hook", "1-team").namespace()).isEqualTo("1-team");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Hook.example.com", "hook..example.com", "hook.example.com.", "a_b", "*"})
  void extraDnsNamesMustBeDns1123Subdomains(String name) {
    assertThatThrownBy(() -> spec("hook", "infra", List.of(name), List.of(), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("DNS name '" + name + "' is not a valid DNS-1123 subdomain");
  }

  @Test
  void extraDnsNamesAcceptWildcardsAndRejectOverlongLabels() {
    assertThat(
            spec("hook", "infra", List.of("*.example.com"), List.of(), Duration.ofDays(1))
                .dnsNames())
        .contains("*.example.com");
    assertThatThrownBy(
            () ->
                spec(
                    "hook",
                    "infra",
                    List.of("a".repeat(64) + ".com"),
                    List.of(),
                    Duration.ofDays(1)))
        .hasMessageContaining("not a valid DNS-1123 subdomain");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10", "1.2.3", "01.2.3.4", "256.0.0.1", "[::1]", "fe80::1%eth0", "host", "::g"})
  void ipAddressesMustBeStrictLiterals(String ip) {
    assertThatThrownBy(() -> spec("hook", "infra", List.of(), List.of(ip), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("IP address '" + ip + "' is not a valid IP literal");
  }

  @ParameterizedTest
  @CsvSource({"PT0S", "-PT1H"})
  void validityMustBePositive(Duration validity) {
    assertThatThrownBy(() -> spec("hook", "infra", List.of(), List.of(), validity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validity must be positive, got " + validity);
  }

  @Test
  void blankExtrasAreRejected() {
    assertThatThrownBy(() -> spec("hook", "infra", List.of(" "), List.of(), Duration.ofDays(1)))
        .hasMessage("extra DNS entries must not be empty");
  }

  @Test
  void keyAlgorithmParsesCommandLineNames() {
    assertThat(KeyAlgorithm.fromCliName("RSA-3072")).isEqualTo(KeyAlgorithm.RSA_3072);
    assertThatThrownBy(() -> KeyAlgorithm.fromCliName("dsa"))
        .hasMessage(
            "unknown key algorithm 'dsa' (expected one of: ecdsa-p256, rsa-2048, rsa-3072,"
                + " rsa-4096)");
  }
}
