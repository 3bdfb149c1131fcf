package dev.pullsecret.webhook.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.tls.issuing.CertificateSet;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token service as distribution's "Token Authentication Specification" describes it, small enough
 * for a test: {@code GET /token?service=...&scope=repository:<name>:<actions>} answers a JWT
 * (RS256, with the signing certificate in {@code x5c}) that the registry's {@code auth.token}
 * config trusts. Repositories under {@code public/} may be pulled anonymously; everything else
 * needs {@code user}'s basic credential.
 */
final class TokenService implements AutoCloseable {

  static final String SERVICE = "test-registry";
  private static final String ISSUER = "test-issuer";

  private final HttpsServer server;
  private final CertificateSet certificates;
  private final RegistryCredential user;
  final AtomicInteger issued = new AtomicInteger();

  TokenService(CertificateSet certificates, RegistryCredential user) {
    this.certificates = certificates;
    this.user = user;
    server = StubHttpsServer.start(certificates, "/token", this::token);
  }

  String realm() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String scope = query.getOrDefault("scope", "");
      String[] parts = scope.split(":");
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      boolean authenticated = user.basicAuthorization().equals(authorization);
      if (authorization != null && !authenticated) {
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      List<String> actions = List.of();
      if (parts.length == 3 && parts[0].equals("repository")) {
        if (authenticated) {
          actions = List.of(parts[2].split(","));
        } else if (parts[1].startsWith("public/")) {
          actions = List.of("pull");
        }
      }
      String name = parts.length == 3 ? parts[1] : "";
      byte[] body =
          ("{\"token\":\""
                  + jwt(name, actions, authenticated ? user.username() : "")
                  + "\","
                  + "\"expires_in\":300}")
              .getBytes(StandardCharsets.UTF_8);
      issued.incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** A token granting {@code actions} on repository {@code name}, for the registry's service. */
  String jwt(String name, List<String> actions, String subject) {
    try {
      Certificate signer = certificates.servingCertificate();
      String header =
          "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\""
              + Base64.getEncoder().encodeToString(signer.getEncoded())
              + "\"]}";
      long now = Instant.now().getEpochSecond();
      String access =
          actions.isEmpty()
              ? "[]"
              : "[{\"type\":\"repository\",\"name\":\""
                  + name
                  + "\",\"actions\":[\""
                  + String.join("\",\"", actions)
                  + "\"]}]";
      String claims =
          "{\"iss\":\"%s\",\"sub\":\"%s\",\"aud\":\"%s\",\"exp\":%d,\"nbf\":%d,\"iat\":%d,\"jti\":\"%s\",\"access\":%s}"
              .formatted(
                  ISSUER, subject, SERVICE, now + 300, now - 10, now, UUID.randomUUID(), access);
      String signed = base64Url(header) + "." + base64Url(claims);
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(certificates.servingKey());
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A push-and-pull token for the test's own pushes. */
  String pushAuthorization(String repository) {
    return "Bearer " + jwt(repository, List.of("pull", "push"), user.username());
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
