package dev.pullsecret.webhook.testing;

import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** HTTPS clients that trust exactly one CA, as the API server trusts the webhook's caBundle. */
public final class TrustingClients {

  private TrustingClients() {}

  public static SSLContext sslContextTrusting(X509Certificate ca) {
    return sslContext(ca, null);
  }

  /** Trusts {@code ca} and presents {@code chain} (first the client certificate) when asked. */
  public static SSLContext sslContextWithClientCertificate(
      X509Certificate ca, PrivateKey key, X509Certificate... chain) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", key, new char[0], chain);
      var factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, new char[0]);
      return sslContext(ca, factory.getKeyManagers());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext sslContext(X509Certificate ca, KeyManager[] keyManagers) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, factory.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP/1.1 client (as the API server uses) that verifies the host name against the SANs. */
  public static HttpClient httpClientTrusting(X509Certificate ca) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(sslContextTrusting(ca))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
