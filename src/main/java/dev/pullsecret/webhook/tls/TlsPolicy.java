package dev.pullsecret.webhook.tls;

import java.util.Set;
import org.springframework.boot.ssl.SslOptions;

/**
 * Protocols and cipher suites the admission port accepts: TLS 1.3, and TLS 1.2 with forward-secret
 * AEAD suites only (what Go's TLS client, i.e. the API server, offers first anyway).
 */
final class TlsPolicy {

  static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

  static final Set<String> CIPHERS =
      Set.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsPolicy() {}

  static SslOptions options() {
    return SslOptions.of(CIPHERS, PROTOCOLS);
  }
}
