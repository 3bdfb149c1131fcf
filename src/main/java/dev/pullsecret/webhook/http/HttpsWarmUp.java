package dev.pullsecret.webhook.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * Sends the sample review to the webhook's own {@code /mutate} over TLS a few times once the port
 * is open, before readiness turns UP (Spring Boot reports readiness after the runners). {@link
 * AdmissionWarmUp} warms the admission core; this warms what lies around it on the first call: the
 * server side of a TLS handshake, Tomcat's request processing and Spring MVC's dispatch, which
 * otherwise add about half a second to the first real review. The reviews carry {@link
 * AdmissionEndpoint#WARM_UP_UID}, which the endpoint leaves out of the metrics.
 *
 * <p>The client trusts exactly the certificate the server serves, taken from the SSL bundle; it
 * talks only to the loopback address. A failure is logged and readiness is not held back by it.
 * {@code webhook.warm-up=false} turns it off.
 */
class HttpsWarmUp implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(HttpsWarmUp.class);

  static final int REQUESTS = 20;

  private final WebServerApplicationContext context;
  private final SslBundles bundles;
  private final String bundle;
  private final boolean enabled;

  /**
   * @param bundle the admission server's SSL bundle ({@code server.ssl.bundle}), whose certificate
   *     the warm-up's client trusts
   */
  HttpsWarmUp(
      WebServerApplicationContext context, SslBundles bundles, String bundle, boolean enabled) {
    this.context = context;
    this.bundles = bundles;
    this.bundle = bundle;
    this.enabled = enabled;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (!enabled || bundle == null || context.getWebServer() == null) {
      return;
    }
    int port = context.getWebServer().getPort();
    long start = System.nanoTime();
    try {
      byte[] request = request(AdmissionWarmUp.sampleReview(AdmissionEndpoint.WARM_UP_UID));
      SSLContext tls = trusting(bundles.getBundle(bundle).getStores().getKeyStore());
      try (var socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        for (int i = 0; i < REQUESTS; i++) {
          out.write(request);
          out.flush();
          int status = readResponse(in);
          if (status != 200) {
            log.warn("Warm-up review over HTTPS answered {}; readiness goes on", status);
            return;
          }
        }
      }
      log.info(
          "Warmed up HTTPS: {} reviews on port {} in {} ms",
          REQUESTS,
          port,
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      log.warn("Warm-up over HTTPS failed; the first reviews may be slow: {}", e.toString());
    }
  }

  private static byte[] request(byte[] body) {
    String head =
        "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    var out = new ByteArrayOutputStream(head.length() + body.length);
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** A client context that trusts the certificates of the server's own key store. */
  private static SSLContext trusting(KeyStore serverStore) throws GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      trust.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    int n = 0;
    for (String alias : Collections.list(serverStore.aliases())) {
      Certificate[] chain = serverStore.getCertificateChain(alias);
      if (chain != null && chain.length > 0) {
        trust.setCertificateEntry("served-" + n++, chain[0]);
      }
    }
    var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** Reads one response with a Content-Length body (what the endpoint sends); its status. */
  private static int readResponse(InputStream in) throws IOException {
    String status = line(in);
    long length = 0;
    String header;
    while (!(header = line(in)).isEmpty()) {
      int colon = header.indexOf(':');
      if (colon > 0
          && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        length = Long.parseLong(header.substring(colon + 1).trim());
      }
    }
    in.skipNBytes(length);
    String[] parts = status.split(" ", 3);
    return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
  }

  private static String line(InputStream in) throws IOException {
    var b = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
