package dev.pullsecret.webhook.tls;

import dev.pullsecret.webhook.config.WebhookProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the SSL bundle {@value #BUNDLE} that the admission port serves ({@code
 * server.ssl.bundle=webhook}). Certificates are validated by our own loader before Spring sees
 * them, so a broken or mismatched pair fails with a message that names the file and the problem.
 */
@Configuration(proxyBeanMethods = false)
class TlsConfiguration {

  static final String BUNDLE = "webhook";

  private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);

  @Bean
  SslBundleRegistrar webhookSslBundle(WebhookProperties properties, Clock clock) {
    return registry -> registry.registerBundle(BUNDLE, bundle(load(properties.tls(), clock)));
  }

  private static ServingIdentity load(WebhookProperties.Tls tls, Clock clock) {
    if (tls.selfSignedDir() != null) {
      return LocalCertificates.ensure(tls.selfSignedDir(), clock);
    }
    ServingIdentity identity = ServingIdentityLoader.load(tls.certFile(), tls.keyFile(), clock);
    log.info(
        "Serving certificate {} for {} (SHA-256 {}), valid until {}",
        tls.certFile(),
        identity.dnsNames(),
        identity.fingerprintSha256(),
        identity.notAfter());
    return identity;
  }

  static SslBundle bundle(ServingIdentity identity) {
    var keyStore = PemSslStore.of(identity.chain(), identity.privateKey());
    return SslBundle.of(
        new PemSslStoreBundle(keyStore, null), SslBundleKey.NONE, TlsPolicy.options());
  }
}
