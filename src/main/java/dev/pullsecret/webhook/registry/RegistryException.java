package dev.pullsecret.webhook.registry;

import dev.pullsecret.webhook.registry.Lookup.Failure;
import dev.pullsecret.webhook.text.Text;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * A lookup that failed, the kind decided where it is known; caught by DigestResolver.
 *
 * <p>Also how requests to a registry or a token service are sent ({@link #send}), and why one got
 * no answer, in words an operator can act on, naming the host and port it was sent to: the one
 * place that reads the JDK's exceptions.
 */
final class RegistryException extends RuntimeException {

  /** JDK messages are short; a bound all the same, as they may quote what a server sent. */
  private static final int MAX_DETAIL_CHARS = 160;

  private final Lookup.Failed lookup;

  RegistryException(Failure failure, String message) {
    this(failure, message, null);
  }

  RegistryException(Failure failure, String message, Throwable cause) {
    this(new Lookup.Failed(failure, message, false), cause);
  }

  private RegistryException(Lookup.Failed lookup, Throwable cause) {
    super(lookup.detail(), cause);
    this.lookup = lookup;
  }

  /** The registry answered {@code 404}: no such manifest (tag or repository unknown there). */
  static RegistryException manifestUnknown(ManifestUrl url) {
    String detail = "no manifest " + url.reference() + " in " + url.repository();
    return new RegistryException(new Lookup.Failed(Failure.REFUSED, detail, true), null);
  }

  Lookup.Failed lookup() {
    return lookup;
  }

  /**
   * Sends the request and reads its answer's body with {@code body}, at most {@code maxBytes}
   * ({@code BodyHandlers.limiting}), within twice the request's time-out: the JDK's time-out ends
   * with the headers, and a server that drips its body a byte at a time would otherwise hold the
   * reading thread (and a lookup slot) for as long as it likes.
   *
   * @param who what is asked, e.g. {@code registry} or {@code token service}
   * @param what what the body is, for the message, e.g. {@code manifest}
   */
  static <T> HttpResponse<T> send(
      String who,
      String what,
      HttpClient client,
      HttpRequest request,
      BodyHandler<T> body,
      int maxBytes) {
    String where = where(who, request.uri());
    Duration deadline = request.timeout().orElseThrow().multipliedBy(2);
    CompletableFuture<HttpResponse<T>> exchange =
        client.sendAsync(request, BodyHandlers.limiting(body, maxBytes));
    try {
      return exchange.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RegistryException(
          Failure.TIMEOUT, where + " did not send its " + what + " within " + time(deadline), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(Failure.TIMEOUT, "interrupted", e);
    } catch (ExecutionException e) {
      // The JDK's words for a body over the limit (RegistryDigestHeaderTest pins them).
      if (chain(e).anyMatch(t -> String.valueOf(t.getMessage()).startsWith("body exceeds"))) {
        throw new RegistryException(
            Failure.ERROR, where + " sent a " + what + " over " + maxBytes + " bytes", e);
      }
      throw of(who, client, request, e.getCause());
    } finally {
      exchange.cancel(true); // closes its connection at a time-out or an interrupt; else a no-op
    }
  }

  /** The failure that says why, for {@link #send}. */
  static RegistryException of(String who, HttpClient client, HttpRequest request, Throwable e) {
    String where = where(who, request.uri());
    if (e instanceof HttpConnectTimeoutException) {
      // Connecting includes the TLS handshake: a registry that accepts and never answers is here.
      return new RegistryException(
          Failure.TIMEOUT,
          where + " unreachable: no connection within " + time(client.connectTimeout()),
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return new RegistryException(
          Failure.TIMEOUT, where + " did not answer within " + time(request.timeout()), e);
    }
    return new RegistryException(Failure.ERROR, where + " " + cause(e), e);
  }

  private static String cause(Throwable e) {
    if (find(e, UnresolvedAddressException.class) != null
        || find(e, UnknownHostException.class) != null) {
      return "unreachable: host unknown";
    }
    SSLException tls = find(e, SSLException.class);
    if (tls != null) {
      return "unreachable: TLS handshake failed: " + tlsCause(tls);
    }
    if (find(e, ConnectException.class) != null) {
      // The JDK's ConnectException for a refused connection wraps a closed channel, no message.
      return "unreachable: " + message(e).orElse("connection refused");
    }
    return "request failed: " + describe(e);
  }

  private static String tlsCause(SSLException e) {
    return Stream.of(
            Map.entry(CertificateExpiredException.class, "certificate expired"),
            Map.entry(CertificateNotYetValidException.class, "certificate not yet valid"),
            Map.entry(CertPathBuilderException.class, "certificate not issued by a trusted CA"))
        .filter(known -> find(e, known.getKey()) != null)
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseGet(() -> describe(e));
  }

  /** The deepest message of the chain (the JDK's outer ones repeat or wrap it), or the type. */
  private static String describe(Throwable e) {
    return message(e).orElse(e.getClass().getSimpleName());
  }

  private static Optional<String> message(Throwable e) {
    return chain(e)
        .map(Throwable::getMessage)
        .filter(m -> m != null && !m.isBlank())
        .reduce((outer, deeper) -> deeper)
        .map(m -> Text.line(m, MAX_DETAIL_CHARS));
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    return chain(e).filter(type::isInstance).map(type::cast).findFirst().orElse(null);
  }

  private static Stream<Throwable> chain(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, t -> t.getCause() == t ? null : t.getCause());
  }

  /** {@code who "host:port"}, as connected to: https's port when the URI has none. */
  static String where(String who, URI uri) {
    String hostAndPort =
        uri.getHost() == null
            ? String.valueOf(uri.getRawAuthority())
            : uri.getHost() + ":" + (uri.getPort() < 0 ? 443 : uri.getPort());
    return who + " " + Text.quote(hostAndPort);
  }

  /** {@code 400 ms}, {@code 1 s}, {@code 1.5 s}. */
  static String time(Duration duration) {
    long millis = duration.toMillis();
    return millis < 1000
        ? millis + " ms"
        : BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + " s";
  }

  private static String time(Optional<Duration> duration) {
    return duration.map(RegistryException::time).orElse("its time-out");
  }
}
