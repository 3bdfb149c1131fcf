package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.Reason;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.core.io.ClassPathResource;

/**
 * Answers an embedded sample review while the application starts, before readiness can turn UP
 * (Spring Boot reports readiness after the runners). Without it the first real review pays close to
 * a second, then another half, on a call the API server times out after a few seconds.
 *
 * <ol>
 *   <li>{@link #afterSingletonsInstantiated}, before the admission port opens: the admission core,
 *       {@link #ROUNDS} times, with rules and a handler of its own (the real rules, their namespace
 *       cache and the metrics see nothing of it). It loads and links the Jackson deserialisers of
 *       the fabric8 model, the image grammar and the patch writer, and runs them interpreted. It
 *       also runs in an AOT training run that stops at refresh ({@code
 *       -Dspring.context.exit=onRefresh}), so the cache holds this path too.
 *   <li>{@link #run}, once the port is open: the review is sent {@link #REQUESTS} times to the
 *       webhook's own {@code /mutate} over TLS (the server's handshake, Tomcat, Spring MVC), with
 *       the uid {@link #UID} ({@link AdmissionEndpoint} says how it is answered). A failure is
 *       logged and does not hold readiness back.
 * </ol>
 *
 * <p>{@code webhook.warm-up=false} turns both off. It is read when they would run rather than as a
 * condition on the bean: Spring's AOT processing fixes conditions at build time, and the switch
 * must still work in the image.
 *
 * @param bundle the admission server's SSL bundle ({@code server.ssl.bundle})
 * @param enabled {@code webhook.warm-up}
 */
record WarmUp(
    AdmissionReviewCodec codec,
    WebServerApplicationContext context,
    SslBundles bundles,
    String bundle,
    boolean enabled)
    implements SmartInitializingSingleton, ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

  /** The uid of the reviews the webhook sends itself (the API server's uids are UUIDs). */
  static final String UID = "pullsecret-webhook-warm-up";

  /** Enough to load and link the whole path and give the JIT first profiles, in a few 100 ms. */
  static final int ROUNDS = 50;

  static final int REQUESTS = 20;

  /** The loopback address is in no certificate; what the client trusts is the served one only. */
  private static final HostnameVerifier LOOPBACK = (host, session) -> true;

  private static final String RULES =
      """
      pullSecrets:
        - {name: corp-creds, registries: ["registry.corp:5000/team"]}
        - {name: hub-creds, registries: [docker.io]}
        - {name: gar-creds, registries: ["*.pkg.dev"]}
        - {name: all-creds}
      rules:
        - {name: warm-up, namespaces: ["team-*"], pullSecrets: [corp-creds, hub-creds, gar-creds, all-creds]}
      """;

  @Override
  public void afterSingletonsInstantiated() {
    if (!enabled) {
      return;
    }
    long start = System.nanoTime();
    byte[] review = sampleReview();
    var rules =
        new LoadedRules(RulesParser.parse(RULES, "warm-up"), 0, "warm-up", Instant.EPOCH, "");
    var handler = AdmissionHandler.offline(() -> rules, NamespaceScope.EVERYWHERE);
    long first = 0;
    for (int i = 0; i < ROUNDS; i++) {
      AdmissionDecision decision = handler.decide(codec.decode(review));
      codec.encode(decision);
      if (i == 0) {
        first = System.nanoTime() - start;
        if (decision.reason() != Reason.PATCHED) {
          // Still harmless, but the mutation path was not warmed: say so rather than hide it.
          log.warn("Warm-up review answered {}, not PATCHED", decision.reason());
        }
      }
    }
    log.info(
        "Warmed up the admission path: first review {} ms, {} reviews in {} ms",
        first / 1_000_000,
        ROUNDS,
        (System.nanoTime() - start) / 1_000_000);
  }

  @Override
  public void run(ApplicationArguments args) {
    if (!enabled || bundle == null || context.getWebServer() == null) {
      return;
    }
    int port = context.getWebServer().getPort();
    long start = System.nanoTime();
    try {
      byte[] review = sampleReview();
      // A trust store of the server's own key store trusts the certificate of each key entry.
      var trust =
          SslStoreBundle.of(null, null, bundles.getBundle(bundle).getStores().getKeyStore());
      SSLSocketFactory sockets = SslBundle.of(trust).createSslContext().getSocketFactory();
      URL mutate = URI.create("https://127.0.0.1:" + port + "/mutate").toURL();
      for (int i = 0; i < REQUESTS; i++) {
        var http = (HttpsURLConnection) mutate.openConnection(Proxy.NO_PROXY);
        // The same factory and verifier each time: the JDK keeps the one connection alive.
        http.setSSLSocketFactory(sockets);
        http.setHostnameVerifier(LOOPBACK);
        http.setConnectTimeout(5_000);
        http.setReadTimeout(5_000);
        http.setRequestMethod("POST");
        http.setRequestProperty("Content-Type", "application/json");
        if (i == REQUESTS - 1) {
          // The last answer closes it: no idle connection is left for the drain to wait on.
          http.setRequestProperty("Connection", "close");
        }
        http.setDoOutput(true);
        try (OutputStream out = http.getOutputStream()) {
          out.write(review);
        }
        int status = http.getResponseCode();
        if (status != 200) {
          http.disconnect();
          log.warn("Warm-up review over HTTPS answered {}; readiness goes on", status);
          return;
        }
        try (InputStream in = http.getInputStream()) {
          in.readAllBytes();
        }
      }
      log.info(
          "Warmed up HTTPS: {} reviews on port {} in {} ms",
          REQUESTS,
          port,
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("Warm-up over HTTPS failed; the first reviews may be slow: {}", e.toString());
    }
  }

  /** The sample review, with {@link #UID} as its uid. */
  private static byte[] sampleReview() {
    try {
      return new ClassPathResource("warmup/review.json").getContentAsByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
