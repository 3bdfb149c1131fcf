package dev.pullsecret.webhook.tls.serving;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.springframework.boot.ssl.SslOptions;

/**
 * Protocols and cipher suites the admission port accepts: TLS 1.3, and by default TLS 1.2 with
 * forward-secret AEAD suites only (what Go's TLS client, i.e. the API server, offers first anyway).
 *
 * <p>Both are configurable, but only within that envelope: an operator may narrow the set (TLS 1.3
 * only, or fewer suites), never reopen CBC, RSA key exchange or TLS 1.1. Settings outside it are
 * refused at start-up, naming the property, rather than silently ignored by the TLS stack.
 */
final class TlsPolicy {

  static final String TLS_1_2 = "TLSv1.2";
  static final String TLS_1_3 = "TLSv1.3";

  static final List<String> DEFAULT_CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  // Every TLS 1.3 suite is AEAD with ephemeral key exchange; for TLS 1.2 the name says it.
  private static final Pattern TLS_1_3_SUITE = Pattern.compile("TLS_(AES|CHACHA20)_\\w+");
  private static final Pattern TLS_1_2_AEAD_ECDHE =
      Pattern.compile(
          "TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)");

  private TlsPolicy() {}

  /**
   * The policy for {@code webhook.tls.min-version} and {@code webhook.tls.cipher-suites}, as the
   * options of an SSL bundle.
   *
   * @param cipherSuites IANA names in order of preference; null or empty for the defaults
   * @throws IllegalArgumentException naming the property and every suite that is refused
   */
  static SslOptions of(String minVersion, List<String> cipherSuites) {
    List<String> protocols =
        switch (minVersion == null ? TLS_1_2 : minVersion.strip()) {
          case TLS_1_2 -> List.of(TLS_1_3, TLS_1_2);
          case TLS_1_3 -> List.of(TLS_1_3);
          default ->
              throw new IllegalArgumentException(
                  "webhook.tls.min-version: '"
                      + minVersion
                      + "' is not accepted; use TLSv1.2 or TLSv1.3 (older versions are insecure and"
                      + " disabled in the JDK)");
        };
    List<String> suites =
        cipherSuites == null || cipherSuites.isEmpty()
            ? DEFAULT_CIPHER_SUITES
            : cipherSuites.stream().map(String::strip).distinct().toList();
    requireAeadEcdhe(suites);
    if (suites.stream().noneMatch(s -> TLS_1_3_SUITE.matcher(s).matches())) {
      throw new IllegalArgumentException(
          "webhook.tls.cipher-suites: no TLS 1.3 suite listed, so TLS 1.3 clients could not"
              + " connect; add TLS_AES_128_GCM_SHA256");
    }
    return SslOptions.of(suites.toArray(String[]::new), protocols.toArray(String[]::new));
  }

  private static void requireAeadEcdhe(List<String> suites) {
    Set<String> supported = supportedByJdk();
    var problems = new ArrayList<String>();
    for (String suite : suites) {
      if (!TLS_1_3_SUITE.matcher(suite).matches() && !TLS_1_2_AEAD_ECDHE.matcher(suite).matches()) {
        problems.add(suite + " is not a TLS 1.3 or an ECDHE AEAD (GCM, ChaCha20-Poly1305) suite");
      } else if (!supported.contains(suite)) {
        problems.add(suite + " is not supported by this JDK");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "webhook.tls.cipher-suites: " + String.join("; ", problems));
    }
  }

  private static Set<String> supportedByJdk() {
    try {
      return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }
}
