package dev.pullsecret.webhook.testing;

import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTPS clients that trust exactly the CA(s) given, as the API server trusts the webhook's caBundle
 * (which holds the old and the new CA while a CA is rotated).
 */
public final class TrustingClients {

  private TrustingClients() {}

  public static SSLContext sslContextTrusting(X509Certificate ca) {
    return sslContext(List.of(ca), null);
  }

  /** Trusts each of {@code cas}, as a caBundle of several CAs. */
  public static SSLContext sslContextTrusting(List<X509Certificate> cas) {
    return sslContext(cas, null);
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
      return sslContext(List.of(ca), factory.getKeyManagers());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext sslContext(List<X509Certificate> cas, KeyManager[] keyManagers) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
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
