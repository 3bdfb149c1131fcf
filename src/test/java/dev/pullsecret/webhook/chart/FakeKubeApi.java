package dev.pullsecret.webhook.chart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two API calls Helm's {@code lookup} makes for a Secret, served on loopback.
 *
 * <p>helm-java renders with a dry run that still talks to a cluster ({@code helm template} does
 * not), so {@code lookup} needs an API server. This one answers discovery of {@code v1} and {@code
 * GET} of the Secrets put into it (404 for the others, which {@code lookup} turns into an empty
 * result), which also lets tests render an upgrade over an existing release.
 */
final class FakeKubeApi implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SECRET_PATH = "/api/v1/namespaces/%s/secrets/%s";
  private static final String CORE_V1_RESOURCES =
      """
      {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
        {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret",
         "verbs":["get","list"]}]}
      """;

  private final HttpServer server;
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final List<String> unexpected = new CopyOnWriteArrayList<>();

  FakeKubeApi() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A kubeconfig pointing at this server, for the {@code KUBECONFIG} Helm reads. */
  String kubeconfig() {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: fake
            cluster: {server: "%s"}
        contexts:
          - name: fake
            context: {cluster: fake, namespace: default}
        current-context: fake
        """
        .formatted(url());
  }

  void put(Secret secret) {
    secrets.put(
        SECRET_PATH.formatted(secret.getMetadata().getNamespace(), secret.getMetadata().getName()),
        secret);
  }

  void clear() {
    secrets.clear();
  }

  /** Requests this fake does not know; a test that sees any was not rendered as intended. */
  List<String> unexpectedRequests() {
    return List.copyOf(unexpected);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        unexpected.add(exchange.getRequestMethod() + " " + path);
        send(exchange, 405, status(405, "MethodNotAllowed"));
      } else if (path.equals("/api/v1")) {
        send(exchange, 200, CORE_V1_RESOURCES);
      } else if (secrets.containsKey(path)) {
        send(exchange, 200, JSON.writeValueAsString(secrets.get(path)));
      } else {
        if (!path.startsWith("/api/v1/namespaces/")) {
          unexpected.add("GET " + path);
        }
        send(exchange, 404, status(404, "NotFound"));
      }
    }
  }

  private static String status(int code, String reason) {
    return """
        {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"%s","code":%d}
        """
        .formatted(reason, code);
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
