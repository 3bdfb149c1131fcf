package dev.pullsecret.webhook.tls.serving;

import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Mutual TLS: with {@code webhook.tls.client-ca-file} set, the admission port requires a client
 * certificate, as {@code server.ssl.client-auth=need} would. Client auth is a property of the
 * server's SSL settings, not of an SSL bundle (the bundle only carries the trust store, our client
 * CA); setting it here lets one property switch mTLS on. Runs after Spring's own customizer has
 * copied {@code server.ssl.*}, and touches only the connector serving our bundle, not the plain
 * HTTP management port.
 */
final class RequireClientCertificate
    implements WebServerFactoryCustomizer<AbstractConfigurableWebServerFactory> {

  private final boolean required;

  RequireClientCertificate(boolean required) {
    this.required = required;
  }

  @Override
  public void customize(AbstractConfigurableWebServerFactory factory) {
    Ssl ssl = factory.getSsl();
    if (required && Ssl.isEnabled(ssl) && TlsConfiguration.BUNDLE.equals(ssl.getBundle())) {
      ssl.setClientAuth(Ssl.ClientAuth.NEED);
    }
  }
}
