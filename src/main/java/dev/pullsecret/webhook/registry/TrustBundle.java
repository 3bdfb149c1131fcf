package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.files.BoundedFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The CAs registries are checked against: the JDK's (public registries) plus, when configured, a
 * PEM bundle for private registries with a CA of their own. Hostnames are always verified.
 */
public final class TrustBundle {

  /**
   * Most TLS sessions kept for resumption, which pays off for the few registries a cluster uses:
   * the JDK keeps 20,480 (a day each, per host and port), which pods naming 8,000 registries filled
   * (~21 MB of the image's 160 MB heap).
   */
  static final int MAX_SESSIONS = 256;

  private TrustBundle() {}

  /**
   * A context of its own, for its own session cache, even with the JDK's CAs only.
   *
   * @param caBundle PEM file of extra CA certificates, or empty for the JDK's CAs only
   * @throws IllegalArgumentException if the bundle cannot be read or holds no certificate
   */
  public static SSLContext sslContext(Optional<Path> caBundle) {
    try {
      var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init((KeyStore) null); // the JDK's CAs
      if (caBundle.isPresent()) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        for (X509Certificate ca :
            ((X509TrustManager) trust.getTrustManagers()[0]).getAcceptedIssuers()) {
          store.setCertificateEntry("system-" + n++, ca);
        }
        // Bounded like every PEM file the webhook reads (a CA bundle comes from a Secret or
        // ConfigMap).
        byte[] pem = BoundedFiles.read(caBundle.get(), BoundedFiles.PEM_LIMIT);
        Collection<? extends Certificate> extra =
            CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem));
        if (extra.isEmpty()) {
          throw new IllegalArgumentException(caBundle.get() + " holds no PEM certificate");
        }
        for (Certificate ca : extra) {
          store.setCertificateEntry("bundle-" + n++, ca);
        }
        trust.init(store);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      context.getClientSessionContext().setSessionCacheSize(MAX_SESSIONS);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "cannot use CA bundle " + caBundle.orElse(null) + ": " + e, e);
    }
  }
}
