package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pullsecret.webhook.PullSecretWebhookApplication;
import dev.pullsecret.webhook.testing.TestServerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The registry client's TLS context and HTTP client are made on the first digest lookup, but a
 * configured CA bundle is still read at start-up: a bad one stops the webhook with its reason
 * rather than failing every lookup later.
 */
class CaBundleAtStartTest {

  /** A pod names its registries: thousands of them must not keep a TLS session each. */
  @Test
  void sessionsKeptForResumptionAreBounded() throws Exception {
    var files = TestServerFiles.create("pullsecret-ca-bundle");

    for (var context :
        List.of(
            TrustBundle.sslContext(Optional.empty()),
            TrustBundle.sslContext(Optional.of(files.certFile())))) {
      assertThat(context.getClientSessionContext().getSessionCacheSize())
          .isEqualTo(TrustBundle.MAX_SESSIONS);
    }
  }

  @Test
  void aCaBundleWithoutACertificateStopsTheStartUp() throws Exception {
    var files = TestServerFiles.create("pullsecret-ca-bundle");
    Path bundle = Files.writeString(files.dir().resolve("bundle.pem"), "not a certificate\n");
    List<String> args = new ArrayList<>();
    files.properties((key, value) -> args.add("--" + key + "=" + value));
    args.addAll(List.of("--webhook.digests.ca-bundle=" + bundle, "--webhook.warm-up=false"));

    Throwable failure =
        catchThrowable(
            () ->
                new SpringApplicationBuilder(PullSecretWebhookApplication.class)
                    .run(args.toArray(String[]::new)));

    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    assertThat(messages)
        .anyMatch(
            m ->
                m.startsWith("cannot use CA bundle " + bundle + ": ")
                    && m.contains("No certificate"));
  }
}
