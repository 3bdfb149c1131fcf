package dev.pullsecret.webhook.registry;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A JDK HttpsServer on a free loopback port, serving {@code certificates}' serving pair, for the
 * stubs that stand in for a registry or its token service.
 */
public final class StubHttpsServer {

  private StubHttpsServer() {}

  /** Starts a server that answers {@code path} (and below) with {@code handler}. */
  public static HttpsServer start(CertificateSet certificates, String path, HttpHandler handler) {
    try {
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(serving(certificates)));
      server.createContext(path, handler);
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static SSLContext serving(CertificateSet certificates)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "serving",
        certificates.servingKey(),
        new char[0],
        new Certificate[] {certificates.servingCertificate()});
    var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
