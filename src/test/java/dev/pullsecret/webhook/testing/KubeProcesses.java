package dev.pullsecret.webhook.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Starts etcd and kube-apiserver with the flags of {@code ../shared/kube/start.sh}, on free
 * loopback ports, and waits until they serve. A port is found free by binding it and letting it go,
 * so another process may take it before ours binds it: a process that exits saying so is started
 * again on new ports.
 */
final class KubeProcesses {

  private static final String HOST = "127.0.0.1";
  private static final int ATTEMPTS = 3;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  /** The two processes, and the API server's URL. */
  record Started(LoggedProcess etcd, LoggedProcess apiServer, String url) {}

  private record Running(LoggedProcess process, String url) {}

  private interface Attempt {
    /** Starts the process on new free ports. */
    Running start() throws IOException;
  }

  private KubeProcesses() {}

  /**
   * Starts both with their data in {@code dir} and their logs in {@code logs}, and waits until
   * {@code /readyz} answers and namespace {@code default} exists, within {@code timeout}; on
   * failure stops what it started.
   */
  static Started start(Path assets, Path dir, Path logs, KubePki pki, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String token = pki.users().get(KubeApiServer.ADMIN);
    try (HttpClient http = TrustingClients.httpClientTrusting(pki.certificates().caCertificate())) {
      Running etcd =
          startUntilReady(
              () -> etcd(assets, dir, logs),
              url -> status(http, url + "/health", null) == 200,
              deadline);
      try {
        Running apiServer =
            startUntilReady(
                () -> apiServer(assets, dir, logs, pki, etcd.url()),
                url -> status(http, url + "/readyz", token) == 200,
                deadline);
        // The bootstrap controller creates namespace default just after /readyz turns ok.
        if (!awaitReady(
            apiServer.process(),
            () -> status(http, apiServer.url() + "/api/v1/namespaces/default", token) == 200,
            deadline)) {
          throw new AssertionError(apiServer.process().failure("exited after it was ready"));
        }
        return new Started(etcd.process(), apiServer.process(), apiServer.url());
      } catch (AssertionError | RuntimeException | IOException e) {
        etcd.process().stop(STOP_GRACE);
        throw e;
      }
    }
  }

  private static Running etcd(Path assets, Path dir, Path logs) throws IOException {
    List<Integer> ports = freePorts(2);
    String client = "http://" + HOST + ":" + ports.get(0);
    String peer = "http://" + HOST + ":" + ports.get(1);
    Path data = dir.resolve("etcd-data");
    deleteRecursively(data); // an attempt that lost a port left its member here
    List<String> command =
        List.of(
            assets.resolve("etcd").toString(),
            "--name=test",
            "--data-dir=" + data,
            "--listen-client-urls=" + client,
            "--advertise-client-urls=" + client,
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=test=" + peer,
            "--initial-cluster-state=new");
    // etcd reads ETCD_* variables as flags; none of the caller's may leak in.
    var process = LoggedProcess.start("etcd", command, logs.resolve("etcd.log"), "ETCD_");
    return new Running(process, client);
  }

  private static Running apiServer(Path assets, Path dir, Path logs, KubePki pki, String etcdUrl)
      throws IOException {
    int port = freePorts(1).getFirst();
    List<String> command =
        List.of(
            assets.resolve("kube-apiserver").toString(),
            "--bind-address=" + HOST,
            "--advertise-address=" + HOST,
            "--secure-port=" + port,
            "--etcd-servers=" + etcdUrl,
            "--cert-dir=" + dir.resolve("apiserver-certs"),
            "--tls-cert-file=" + pki.file(KubePki.SERVING_CRT),
            "--tls-private-key-file=" + pki.file(KubePki.SERVING_KEY),
            "--client-ca-file=" + pki.file(KubePki.CA_CRT),
            "--token-auth-file=" + pki.file(KubePki.TOKENS),
            "--authorization-mode=RBAC",
            "--anonymous-auth=false",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file=" + pki.file(KubePki.SA_PUB),
            "--service-account-signing-key-file=" + pki.file(KubePki.SA_KEY),
            "--service-cluster-ip-range=10.0.0.0/24",
            // No Endpoints for the kubernetes Service: nothing here would reach 127.0.0.1 by them.
            "--endpoint-reconciler-type=none",
            // No controller manager makes the ServiceAccount default in new namespaces; with this
            // plugin on, every pod there would be refused for want of it.
            "--disable-admission-plugins=ServiceAccount",
            "--allow-privileged=true",
            "--v=2");
    var process =
        LoggedProcess.start("kube-apiserver", command, logs.resolve("kube-apiserver.log"));
    return new Running(process, "https://" + HOST + ":" + port);
  }

  /** Starts, waits for {@code ready(url)}; again on new ports if the ports were taken. */
  private static Running startUntilReady(Attempt attempt, Predicate<String> ready, long deadline)
      throws IOException {
    for (int i = 1; ; i++) {
      Running running = attempt.start();
      if (awaitReady(running.process(), () -> ready.test(running.url()), deadline)) {
        return running;
      }
      if (i == ATTEMPTS) {
        throw new AssertionError(running.process().failure("lost its ports " + i + " times"));
      }
    }
  }

  /**
   * Polls {@code ready} until it holds (true), the process lost a port race (false), or the process
   * exits or the deadline passes (an AssertionError with its log; the process is stopped).
   */
  private static boolean awaitReady(LoggedProcess process, BooleanSupplier ready, long deadline) {
    while (!ready.getAsBoolean()) {
      if (process.lostAPortRace()) {
        return false;
      }
      if (!process.isAlive()) {
        throw new AssertionError(process.failure("exited before it was ready"));
      }
      if (System.nanoTime() > deadline) {
        var failure = new AssertionError(process.failure("was not ready in time"));
        process.stop(STOP_GRACE);
        throw failure;
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.stop(STOP_GRACE);
        throw new AssertionError("interrupted while waiting for " + process.log(), e);
      }
    }
    return true;
  }

  /** The status of a GET, 0 when nothing answers (yet). */
  private static int status(HttpClient http, String url, String token) {
    var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** {@code count} distinct ports free right now (held together so that none repeats). */
  private static List<Integer> freePorts(int count) throws IOException {
    var sockets = new ArrayList<ServerSocket>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /**
   * A new folder for the logs, kept when the rest goes so that failure messages can point at them:
   * under {@code target/kube-apiserver/} (gone with {@code mvn clean}), or in the temp folder.
   */
  static Path logDirectory() throws IOException {
    Path target = Path.of("target");
    if (!Files.isDirectory(target)) {
      return Files.createTempDirectory("kube-apiserver-logs-");
    }
    Path base = Files.createDirectories(target.resolve("kube-apiserver"));
    return Files.createTempDirectory(base, "run-").toAbsolutePath();
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir left behind is no test failure
    }
  }
}
