package dev.pullsecret.webhook.testing;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Kubernetes API server for tests, as controller-runtime's envtest runs one: Debian's etcd
 * and kube-apiserver v1.26 as child processes on free loopback ports, read from the folder {@code
 * KUBEBUILDER_ASSETS} names ({@code etcd}, {@code kube-apiserver}). RBAC is on, anonymous requests
 * are refused, and users authenticate with static tokens: {@link #ADMIN} in {@code system:masters}
 * and each of {@link #USERS} with no rights until a test binds a role to it.
 *
 * <p>No controller manager runs: pods are stored, never scheduled; new namespaces get no {@code
 * default} ServiceAccount (so the ServiceAccount admission plugin is off); deleted namespaces stay
 * {@code Terminating}. Tests share one server per JVM ({@link #shared()}), so each makes its own
 * namespaces ({@link #uniqueName(String)}) and removes the cluster-wide objects it made.
 */
public final class KubeApiServer implements AutoCloseable {

  /** A user in {@code system:masters}: every right, RBAC or not. */
  public static final String ADMIN = "admin";

  /**
   * Users with no group but {@code system:authenticated}: only what a test binds to them. The
   * authorizer reads RBAC objects from an informer's cache, so a new binding applies a moment after
   * it is created: await it. Bind Roles or ClusterRoles with rules of their own: the aggregated
   * ClusterRoles ({@code view}, {@code edit}, {@code admin}) have none here, since their rules are
   * filled in by the controller manager.
   */
  public static final List<String> USERS = List.of("webhook", "tenant");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private static KubeApiServer shared;
  private static AssertionError sharedFailure;

  private final Path dir;
  private final KubePki pki;
  private final LoggedProcess etcd;
  private final LoggedProcess apiServer;
  private final String url;
  private final AtomicInteger names = new AtomicInteger();
  private boolean closed;

  private KubeApiServer(
      Path dir, KubePki pki, LoggedProcess etcd, LoggedProcess apiServer, String url) {
    this.dir = dir;
    this.pki = pki;
    this.etcd = etcd;
    this.apiServer = apiServer;
    this.url = url;
  }

  /**
   * The API server of this JVM, started on first use and stopped when the JVM exits. Without the
   * binaries the calling test is skipped, or fails when {@code CI=true}; a failed start fails every
   * later caller at once with the same message.
   */
  public static synchronized KubeApiServer shared() {
    Path assets = KubeAssets.require();
    if (sharedFailure != null) {
      throw sharedFailure;
    }
    if (shared == null) {
      try {
        shared = start(assets);
      } catch (AssertionError e) {
        sharedFailure = e;
        throw e;
      }
      var server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kube-apiserver-stop"));
    }
    return shared;
  }

  /** An API server of its own (new etcd, new ports) for a test that cannot share; close it. */
  public static KubeApiServer start(Path assets) {
    try {
      Path dir = Files.createTempDirectory("kube-apiserver-");
      Path logs = KubeProcesses.logDirectory();
      var pki = KubePki.write(dir.resolve("pki"), ADMIN, USERS);
      long begin = System.nanoTime();
      var started = KubeProcesses.start(assets, dir, logs, pki, READY_TIMEOUT);
      System.out.printf(
          "kube-apiserver ready at %s in %d ms (logs in %s)%n",
          started.url(), Duration.ofNanos(System.nanoTime() - begin).toMillis(), logs);
      return new KubeApiServer(dir, pki, started.etcd(), started.apiServer(), started.url());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String url() {
    return url;
  }

  /** The CA that signed the API server's serving certificate, PEM. */
  public String caPem() {
    return pki.caPem();
  }

  /** A new client acting as {@link #ADMIN}; the caller closes it. */
  public KubernetesClient adminClient() {
    return client(ADMIN);
  }

  /**
   * A new client acting as {@link #ADMIN} that waits up to {@code timeout} for each answer (10 s
   * otherwise): large objects written in bulk beside other tests, or a test of an answer that is
   * slow to come. The caller closes it.
   */
  public KubernetesClient adminClient(Duration timeout) {
    var config = new ConfigBuilder(config(ADMIN)).withRequestTimeout((int) timeout.toMillis());
    return new KubernetesClientBuilder().withConfig(config.build()).build();
  }

  /** A new client acting as {@code user} ({@link #ADMIN} or one of {@link #USERS}); close it. */
  public KubernetesClient client(String user) {
    return new KubernetesClientBuilder().withConfig(config(user)).build();
  }

  /**
   * The client configuration of {@code user}, read from nothing on this machine. Without the
   * client's retries of 5xx answers (a webhook call that failed is one), which would slow a test's
   * polling down to their back-off and hide the failure from it.
   */
  public Config config(String user) {
    return new ConfigBuilder(Config.empty())
        .withRequestRetryBackoffLimit(0)
        .withMasterUrl(url)
        .withCaCertData(base64(caPem()))
        .withOauthToken(token(user))
        .withNamespace("default")
        .build();
  }

  /** Writes a kubeconfig of {@code user}, for a process given {@code KUBECONFIG=file}. */
  public Path writeKubeconfig(String user, Path file) {
    return writeKubeconfig(user, token(user), file);
  }

  /**
   * Writes a kubeconfig that authenticates with {@code token} (for instance a ServiceAccount's,
   * from a TokenRequest), naming its user {@code user}.
   */
  public Path writeKubeconfig(String user, String token, Path file) {
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: test
          context:
            cluster: test
            user: %s
            namespace: default
        current-context: test
        """
            .formatted(url, base64(caPem()), user, token, user);
    try {
      Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Registers a webhook the API server calls at {@code url} (trusting {@code caPem}) for pods
   * created and ephemeral containers added in the namespaces {@code namespaceSelector} selects,
   * shaped as the chart's: {@code sideEffects: None}, {@code reinvocationPolicy: IfNeeded}, 5 s.
   * The API server applies it asynchronously (its informer sees it within about a second): wait for
   * a dry-run create to come back mutated before relying on it. Closing the registration deletes
   * it.
   *
   * @param failurePolicy {@code Fail} or {@code Ignore}
   */
  public Registration registerMutatingWebhook(
      String name,
      String url,
      String caPem,
      LabelSelector namespaceSelector,
      String failurePolicy) {
    try (var admin = adminClient()) {
      admin
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .resource(MutatingWebhooks.byUrl(name, url, caPem, namespaceSelector, failurePolicy))
          .create();
    }
    return new Registration(this, name);
  }

  /** A registered webhook configuration; {@link #close()} deletes it. */
  public record Registration(KubeApiServer server, String name) implements AutoCloseable {
    @Override
    public void close() {
      try (var admin = server.adminClient()) {
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete();
      }
    }
  }

  /**
   * {@code prefix} and a number no other caller of this server got: a fresh namespace (or other)
   * name, since tests share the server and namespaces are never really deleted here.
   */
  public String uniqueName(String prefix) {
    return prefix + names.incrementAndGet();
  }

  /** The API server's log (kept after {@link #close()}), for failure messages. */
  public Path log() {
    return apiServer.log();
  }

  private String token(String user) {
    String token = pki.users().get(user);
    if (token == null) {
      throw new IllegalArgumentException("no user " + user + "; there are " + pki.users().keySet());
    }
    return token;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Stops the API server, then etcd (each SIGTERM, then SIGKILL), and deletes their data; the logs
   * stay.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    apiServer.stop(STOP_GRACE);
    etcd.stop(STOP_GRACE);
    KubeProcesses.deleteRecursively(dir);
  }
}
