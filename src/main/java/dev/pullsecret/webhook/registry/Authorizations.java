package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.text.Text;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a registry's {@code 401} challenge and remembers the answer, so the next lookup of the
 * same repository sends it at once instead of paying a refused request and a token request.
 *
 * <p>{@code Bearer}: the token flow of distribution's "Token Authentication Specification": {@code
 * GET <realm>?service=<service>&scope=<scope>}, with basic authentication when there is a
 * credential and anonymously otherwise (how public images are pulled), answering {@code {"token":
 * ...}} or {@code {"access_token": ...}} with an optional {@code expires_in} (60 s when absent).
 * {@code Basic}: the credential itself, when there is one.
 */
final class Authorizations {

  /** Tokens are renewed this long before they expire, so none expires in flight. */
  private static final long MARGIN_NANOS = Duration.ofSeconds(5).toNanos();

  private static final long DEFAULT_TOKEN_SECONDS = 60;
  private static final long MAX_TOKEN_SECONDS = Duration.ofDays(1).toSeconds();
  private static final int MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
  private static final int MAX_REMEMBERED = 1024;

  /**
   * The longest answer kept: registries' tokens are a few KiB at most (a JWT with its claims), and
   * {@link #MAX_REMEMBERED} of the 64 KiB a token response may be would be 256 MiB, which a
   * registry a pod names could fill repository by repository.
   */
  private static final int MAX_REMEMBERED_TOKEN_CHARS = 8 * 1024;

  /**
   * The longest {@code WWW-Authenticate} read: registries' challenges are a few hundred characters,
   * and the JDK takes 384 KiB of headers, which read as {@code a a a ...} made 190,000 challenges
   * (~27 MB held, ~94 MB allocated) per lookup.
   */
  static final int MAX_CHALLENGE_CHARS = 16 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  record Remembered(String header, long expiresAt) {}

  private final Supplier<HttpClient> http;
  private final Duration requestTimeout;
  private final Map<Key, Remembered> remembered = new ConcurrentHashMap<>();

  Authorizations(Supplier<HttpClient> http, Duration requestTimeout) {
    this.http = http;
    this.requestTimeout = requestTimeout;
  }

  /** The header that last worked for this repository and credential, while it is valid. */
  Optional<String> remembered(ManifestUrl url, Optional<RegistryCredential> credential) {
    return Optional.ofNullable(remembered.get(key(url, credential)))
        .filter(r -> System.nanoTime() < r.expiresAt())
        .map(Remembered::header);
  }

  void forget(ManifestUrl url, Optional<RegistryCredential> credential) {
    remembered.remove(key(url, credential));
  }

  /** The {@code Authorization} header that answers one of the challenges of a 401. */
  String answer(
      List<String> wwwAuthenticate, ManifestUrl url, Optional<RegistryCredential> credential) {
    if (wwwAuthenticate.stream().mapToLong(String::length).sum() > MAX_CHALLENGE_CHARS) {
      throw new RegistryException(
          Failure.ERROR,
          "401 with a WWW-Authenticate challenge of over " + MAX_CHALLENGE_CHARS + " characters");
    }
    List<Challenge> challenges = Challenge.parse(String.join(", ", wwwAuthenticate));
    for (Challenge challenge : challenges) {
      if (challenge.scheme().equals("bearer") && challenge.params().containsKey("realm")) {
        return remember(url, credential, token(challenge, url, credential));
      }
    }
    if (challenges.stream().noneMatch(challenge -> challenge.scheme().equals("basic"))) {
      throw new RegistryException(Failure.ERROR, "401 without a Bearer or Basic challenge");
    }
    if (credential.isEmpty()) {
      throw new RegistryException(
          Failure.REFUSED, "registry asks for basic authentication and no credential is known");
    }
    return remember(
        url, credential, new Remembered(credential.get().basicAuthorization(), Long.MAX_VALUE));
  }

  private String remember(
      ManifestUrl url, Optional<RegistryCredential> credential, Remembered answer) {
    if (answer.header().length() > MAX_REMEMBERED_TOKEN_CHARS) {
      return answer.header(); // used for this lookup, not kept
    }
    if (remembered.size() >= MAX_REMEMBERED) {
      remembered.clear(); // a bound, not a policy: tokens are cheap to get again
    }
    remembered.put(key(url, credential), answer);
    return answer.header();
  }

  private Remembered token(
      Challenge challenge, ManifestUrl url, Optional<RegistryCredential> credential) {
    // Pulling the repository, when the challenge names no scope (distribution's "Token Scope
    // Documentation").
    String scope =
        challenge.params().getOrDefault("scope", "repository:" + url.repository() + ":pull");
    String service = challenge.params().get("service");
    String query =
        (service == null ? "" : "service=" + encode(service) + "&") + "scope=" + encode(scope);
    String realm = challenge.params().get("realm");
    URI uri;
    try {
      uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(Failure.ERROR, "token realm is not a URL: " + Text.quote(realm));
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      // Never send a password in clear text, whatever the registry says; nor, anonymously, turn a
      // registry a pod names into a way to GET plain-HTTP services inside the cluster (a cloud's
      // metadata endpoint) and hand their "token" back to it. Registries' token services are https.
      throw new RegistryException(Failure.ERROR, "token realm is not https: " + Text.quote(realm));
    }
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET();
    } catch (IllegalArgumentException e) {
      // An https URI the client cannot ask (no host: https:/...); the JDK's words quote it whole.
      throw new RegistryException(Failure.ERROR, "token realm is not a URL: " + Text.quote(realm));
    }
    credential.ifPresent(c -> request.header("Authorization", c.basicAuthorization()));
    long start = System.nanoTime();
    // Bounded in size and time: a token service is trusted with a token, not with our memory
    // nor with a lookup slot.
    HttpResponse<byte[]> response =
        RegistryException.send(
            "token service",
            "token",
            http.get(),
            request.build(),
            BodyHandlers.ofByteArray(),
            MAX_TOKEN_RESPONSE_BYTES);
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new RegistryException(
          Failure.REFUSED, "token service refused " + Text.quote(scope) + ": " + status);
    }
    if (status != 200) {
      throw new RegistryException(
          Failure.ERROR, "token service answered " + status + " for " + Text.quote(scope));
    }
    return parseToken(response.body(), start);
  }

  Remembered parseToken(byte[] body, long requestedAt) {
    try {
      JsonNode json = JSON.readTree(body);
      String token = json.path("token").asString("");
      if (token.isEmpty()) {
        token = json.path("access_token").asString("");
      }
      if (token.isEmpty()) {
        throw new RegistryException(Failure.ERROR, "token response without a token");
      }
      if (!token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
        // Not quoted: it is a credential. The JDK's refusal of such a header quoted it, into the
        // pod's warning, the audit annotation and a refusal's log line.
        throw new RegistryException(
            Failure.ERROR, "token response with a token that is not a header value");
      }
      // A token service may say any number: kept a day at most, which also keeps the sum below
      // from overflowing (expires_in 2^63-1 failed every lookup of the registry).
      long seconds =
          Math.clamp(json.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS), 0, MAX_TOKEN_SECONDS);
      long expiresAt = requestedAt + Duration.ofSeconds(seconds).toNanos() - MARGIN_NANOS;
      return new Remembered("Bearer " + token, expiresAt);
    } catch (JacksonException e) {
      throw new RegistryException(Failure.ERROR, "token response is not JSON");
    }
  }

  /**
   * Per credential: two pull secrets for one registry may see different repositories. The whole
   * credential, not a hash of it: a password whose hash collided with another's was given the
   * other's token. (A credential's {@code toString} shows neither its username nor its password.)
   */
  private record Key(String registry, String repository, Optional<RegistryCredential> credential) {}

  private static Key key(ManifestUrl url, Optional<RegistryCredential> credential) {
    return new Key(url.registry(), url.repository(), credential);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
