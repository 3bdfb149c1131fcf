package dev.pullsecret.webhook.tls.serving;

import dev.pullsecret.webhook.config.WebhookProperties;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the SSL bundle {@value #BUNDLE} that the admission port serves ({@code
 * server.ssl.bundle=webhook}) and keeps it up to date as the certificate files change ({@link
 * CertificateReloader} checks them before Spring sees them).
 */
@Configuration(proxyBeanMethods = false)
class TlsConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);

  private static final String BUNDLE = "webhook";

  @Bean(destroyMethod = "close")
  CertificateReloader certificateReloader(
      WebhookProperties properties, MeterRegistry registry, Clock clock) {
    WebhookProperties.Tls tls = properties.tls();
    var files =
        tls.selfSignedDir() == null
            ? new CertificateFiles(tls.certFile(), tls.keyFile(), tls.clientCaFile(), clock)
            : localFiles(tls.selfSignedDir(), tls.clientCaFile(), clock);
    return new CertificateReloader(files, registry, tls.expiryWarningThreshold());
  }

  @Bean
  SslBundleRegistrar webhookSslBundle(CertificateReloader reloader, WebhookProperties properties) {
    WebhookProperties.Tls tls = properties.tls();
    SslOptions policy = TlsPolicy.of(tls.minVersion(), tls.cipherSuites());
    return registry -> {
      registry.registerBundle(BUNDLE, bundle(reloader.get(), policy));
      reloader.watch(
          tls.reloadInterval(), next -> registry.updateBundle(BUNDLE, bundle(next, policy)));
    };
  }

  @Bean
  HealthIndicator servingCertificateHealthIndicator(CertificateReloader reloader) {
    return reloader::health;
  }

  /**
   * Mutual TLS: with {@code webhook.tls.client-ca-file} set, the admission port requires a client
   * certificate ({@code server.ssl.client-auth=need}), so one property switches mTLS on: client
   * auth is a server SSL setting, not an SSL bundle's (the bundle only carries our client CA). Runs
   * after Spring's own customizer has copied {@code server.ssl.*} (it has no order, so it comes
   * last), and touches only the connector serving our bundle, not the plain HTTP management port.
   */
  @Bean
  WebServerFactoryCustomizer<AbstractConfigurableWebServerFactory> requireClientCertificate(
      WebhookProperties properties) {
    boolean required = properties.tls().clientCaFile() != null;
    return factory -> {
      Ssl ssl = factory.getSsl();
      if (required && Ssl.isEnabled(ssl) && BUNDLE.equals(ssl.getBundle())) {
        ssl.setClientAuth(Ssl.ClientAuth.NEED);
      }
    };
  }

  /**
   * Local runs: a CA and a serving certificate for localhost, valid for 30 days, written into
   * {@code dir} and then served, and reloaded, like a mounted Secret. They are reused while they
   * load and have more than a day left, so {@code curl --cacert DIR/ca.crt} keeps working across
   * restarts.
   */
  static CertificateFiles localFiles(Path dir, Path clientCaFile, Clock clock) {
    Path cert = dir.resolve(PemFiles.TLS_CRT);
    Path key = dir.resolve(PemFiles.TLS_KEY);
    var files = new CertificateFiles(cert, key, clientCaFile, clock);
    if (Files.exists(cert) && Files.exists(key)) {
      try {
        ServingIdentity existing = ServingIdentity.load(cert, key, clock);
        if (existing.notAfter().isAfter(clock.instant().plus(Duration.ofDays(1)))) {
          log.info(
              "Serving the local certificate in {} (CA: {})", dir, dir.resolve(PemFiles.CA_CRT));
          return files;
        }
      } catch (InvalidCertificateException e) {
        log.warn("Replacing the local certificate in {}: {}", dir, e.getMessage());
      }
    }
    var spec =
        new CertificateSpec(
            "pullsecret-webhook",
            "pullsecret-webhook",
            List.of("localhost"),
            List.of("127.0.0.1", "::1"),
            Duration.ofDays(30),
            KeyAlgorithm.ECDSA_P256);
    try {
      PemFiles.write(CertificateGenerator.generate(spec, clock), dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write local certificates to " + dir, e);
    }
    log.info(
        "Generated a local CA and a certificate for localhost in {}; trust it with: curl --cacert {}",
        dir,
        dir.resolve(PemFiles.CA_CRT));
    return files;
  }

  private static SslBundle bundle(CertificateFiles.Loaded certificates, SslOptions policy) {
    ServingIdentity identity = certificates.identity();
    var keyStore = PemSslStore.of(identity.chain(), identity.privateKey());
    var trustStore =
        certificates.clientCas().isEmpty() ? null : PemSslStore.of(certificates.clientCas(), null);
    return SslBundle.of(new PemSslStoreBundle(keyStore, trustStore), SslBundleKey.NONE, policy);
  }
}
