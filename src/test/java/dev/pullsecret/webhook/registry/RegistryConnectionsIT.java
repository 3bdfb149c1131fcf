package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.testing.TestServerFiles;
import dev.pullsecret.webhook.testing.TlsHttpConnection;
import dev.pullsecret.webhook.testing.WallClock;
import dev.pullsecret.webhook.testing.WebhookProcess;
import dev.pullsecret.webhook.tls.issuing.CertificateGenerator;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import dev.pullsecret.webhook.tls.issuing.CertificateSpec;
import dev.pullsecret.webhook.tls.issuing.KeyAlgorithm;
import dev.pullsecret.webhook.tls.issuing.PemFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod names its registries: pods naming a thousand of them (a tenant's wildcard DNS name and
 * certificate; here 250 loopback addresses on 4 ports, one certificate for them all), each
 * answering at once, must not leave the webhook a thousand idle TLS connections (the JDK's client
 * keeps each for 30 s, in a pool it does not bound by default: ~40 KiB of heap each).
 */
@WallClock
class RegistryConnectionsIT {

  private static final int ADDRESSES = 250;
  private static final int PORTS = 4;
  private static final String DIGEST = "sha256:" + "e".repeat(64);

  @TempDir static Path dir;
  private static final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
  private static final AtomicInteger open = new AtomicInteger();
  private static final AtomicInteger requests = new AtomicInteger();
  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-connections");
  private static WebhookProcess webhook;

  @BeforeAll
  static void start() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= ADDRESSES; i++) {
      addresses.add("127.0.0." + i);
    }
    CertificateSet certificates =
        CertificateGenerator.generate(
            new CertificateSpec(
                "registry",
                "test",
                List.of("localhost"),
                addresses,
                Duration.ofDays(1),
                KeyAlgorithm.ECDSA_P256),
            Clock.systemUTC());
    PemFiles.write(certificates, dir, true);
    SSLContext tls = StubHttpsServer.serving(certificates);
    for (int p = 0; p < PORTS; p++) {
      // Every loopback address: 127.0.0.0/8 is all local.
      ServerSocket server =
          tls.getServerSocketFactory()
              .createServerSocket(0, 1000, InetAddress.getByName("0.0.0.0"));
      servers.add(server);
      Thread.ofVirtual().start(() -> acceptForever(server));
    }
    FILES.writeRules(
        """
        rules:
          - name: pinned
            namespaces: [team]
            images:
              resolveDigests: {}
        """
            .getBytes(StandardCharsets.UTF_8));
    webhook =
        WebhookProcess.start(
                FILES,
                Map.of("webhook.digests.ca-bundle", dir.resolve(PemFiles.CA_CRT).toString()),
                Map.of())
            .awaitReady(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws IOException {
    if (webhook != null) {
      webhook.close();
    }
    for (ServerSocket server : servers) {
      server.close();
    }
  }

  @Test
  void thousandRegistriesLeaveABoundedNumberOfIdleConnections() throws Exception {
    int asked = 0;
    for (ServerSocket server : servers) {
      List<String> images = new ArrayList<>();
      for (int i = 1; i <= ADDRESSES; i++) {
        images.add("127.0.0." + i + ":" + server.getLocalPort() + "/team/app:1");
      }
      // One port's registries per pod, each pod's lookups over before the next (max-concurrent).
      for (int from = 0; from < images.size(); from += 125) {
        review(images.subList(from, from + 125));
        asked += 125;
        int expected = asked;
        await().atMost(Duration.ofSeconds(30)).until(() -> requests.get() >= expected);
      }
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(open).hasValueLessThanOrEqualTo(RegistryClient.POOL_SIZE + 16));
  }

  private void review(List<String> images) throws IOException {
    StringJoiner containers = new StringJoiner(",");
    for (int i = 0; i < images.size(); i++) {
      containers.add("{\"name\":\"c%d\",\"image\":\"%s\"}".formatted(i, images.get(i)));
    }
    String review =
        """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
          "uid":"%s","kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},
          "namespace":"team","operation":"CREATE","dryRun":false,"object":
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"team"},
           "spec":{"containers":[%s]}}}}"""
            .formatted(UUID.randomUUID(), containers);
    try (var connection =
        TlsHttpConnection.open(FILES.sslContext(), TestServerFiles.SERVICE_HOST, webhook.port())) {
      assertThat(connection.post("/mutate", review.getBytes(StandardCharsets.UTF_8)).status())
          .isEqualTo(200);
    }
  }

  private static void acceptForever(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        open.incrementAndGet();
        Thread.ofVirtual().start(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Every HEAD answered with a manifest's media type and digest, on a kept-alive connection. */
  private static void serve(Socket socket) {
    try (socket) {
      var in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = socket.getOutputStream();
      while (in.readLine() != null) {
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // headers: nothing here depends on them
        }
        requests.incrementAndGet();
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: "
                    + RegistryClient.OCI_MANIFEST
                    + "\r\nDocker-Content-Digest: "
                    + DIGEST
                    + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the webhook closed the connection
    } finally {
      open.decrementAndGet();
    }
  }
}
