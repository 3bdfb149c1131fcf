package dev.pullsecret.webhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.pullsecret.webhook.image.ImageReference;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure parts of the protocol: challenges, manifest URLs and the words for failed connections,
 * as tables.
 */
class RegistryProtocolTest {

  @Nested
  class WwwAuthenticate {

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(
        resources = "/registry/www-authenticate.csv",
        delimiter = '|',
        quoteCharacter = 0)
    void headerIsReadIntoItsChallenges(String name, String header, String expected) {
      String value = header.equals("\"\"") ? "" : header;

      assertThat(format(Challenge.parse(value))).isEqualTo(expected == null ? "" : expected);
    }

    /**
     * The JDK's client takes response headers up to 384 KiB ({@code jdk.http.maxHeaderSize}): a
     * registry a pod names answering 401 with that much of {@code a a a ...} was read into 190,000
     * challenges, ~27 MB held and ~94 MB allocated per lookup, 16 lookups at a time in a 160 MB
     * heap. A challenge is a few hundred characters; one over the bound is refused unread.
     */
    @Test
    void headerOfHundredsOfKilobytesIsRefusedUnread() {
      var authorizations = new Authorizations(() -> null, Duration.ofSeconds(1));
      var url = new ManifestUrl("https://evil.example", "team/app", "1");
      String header = "a ".repeat(190_000);
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();

      assertThatThrownBy(() -> authorizations.answer(List.of(header), url, Optional.empty()))
          .isInstanceOf(RegistryException.class)
          .hasMessage("401 with a WWW-Authenticate challenge of over 16384 characters");
      assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(1 << 20);
    }

    private static String format(List<Challenge> challenges) {
      return challenges.stream()
          .map(
              c ->
                  c.scheme()
                      + new TreeMap<>(c.params())
                          .entrySet().stream()
                              .map(e -> e.getKey() + "=" + e.getValue())
                              .collect(Collectors.joining(",", "{", "}")))
          .collect(Collectors.joining(" ; "));
    }
  }

  /** A token service's {@code expires_in}, whatever it says, keeps its token a day at most. */
  @Nested
  class TokenLifetimes {

    private final Authorizations authorizations =
        new Authorizations(() -> null, Duration.ofSeconds(1));

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "absent,     , 55",
      "an hour,    3600, 3595",
      "negative,   -5, -5",
      "2^63-1,     9223372036854775807, 86395",
      "too large,  99999999999999999999999, 55",
    })
    void tokenIsKeptAsLongAsItsServiceSaysUpToADay(String name, String expiresIn, long keptSeconds)
        throws RegistryException {
      String body =
          expiresIn == null
              ? "{\"token\":\"t\"}"
              : "{\"token\":\"t\",\"expires_in\":" + expiresIn + "}";

      var remembered = authorizations.parseToken(body.getBytes(StandardCharsets.UTF_8), 0);

      assertThat(remembered.header()).isEqualTo("Bearer t");
      assertThat(remembered.expiresAt()).isEqualTo(Duration.ofSeconds(keptSeconds).toNanos());
    }
  }

  @Nested
  class DockerHubNames {

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/registry/manifest-urls.csv")
    void imageIsLookedUpAtItsRegistrysManifestUrl(String image, String url) {
      assertThat(ManifestUrl.of(ImageReference.parse(image)).uri()).hasToString(url);
    }
  }

  /**
   * The JDK's exceptions, as its HTTP client throws them (RegistryUnreachableIT meets the common
   * ones against a real registry), read into a kind of failure and words naming host and cause.
   */
  @Nested
  class ConnectionFailures {

    private static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofMillis(1500)).build();
    private static final HttpRequest REQUEST =
        HttpRequest.newBuilder(URI.create("https://registry.corp/v2/team/app/manifests/1"))
            .timeout(Duration.ofSeconds(10))
            .build();

    static Stream<Arguments> failures() {
      return Stream.of(
          arguments(
              "refused: a message-less chain ending in a closed channel",
              chain(new ConnectException(), new ConnectException(), new ClosedChannelException()),
              "error: registry \"registry.corp:443\" unreachable: connection refused"),
          arguments(
              "a connection error with a message of its own",
              chain(new ConnectException(), new ConnectException("No route to host")),
              "error: registry \"registry.corp:443\" unreachable: No route to host"),
          arguments(
              "unknown host",
              chain(new ConnectException(), new UnresolvedAddressException()),
              "error: registry \"registry.corp:443\" unreachable: host unknown"),
          arguments(
              "plain HTTP where TLS was expected",
              new SSLException("Unrecognized SSL message, plaintext connection?"),
              "error: registry \"registry.corp:443\" unreachable: TLS handshake failed:"
                  + " Unrecognized SSL message, plaintext connection?"),
          arguments(
              "a certificate for another name",
              chain(
                  new SSLHandshakeException("(certificate_unknown) No name matching registry.corp"),
                  new CertificateException("No name matching registry.corp found")),
              "error: registry \"registry.corp:443\" unreachable: TLS handshake failed: No name"
                  + " matching registry.corp found"),
          arguments(
              "no connection within the connect time-out",
              new HttpConnectTimeoutException("HTTP connect timed out"),
              "timeout: registry \"registry.corp:443\" unreachable: no connection within 1.5 s"),
          arguments(
              "no answer within the request time-out",
              new HttpTimeoutException("request timed out"),
              "timeout: registry \"registry.corp:443\" did not answer within 10 s"),
          arguments(
              "a connection lost",
              new IOException("Connection reset"),
              "error: registry \"registry.corp:443\" request failed: Connection reset"),
          arguments(
              "a connection lost without a word",
              new EOFException(),
              "error: registry \"registry.corp:443\" request failed: EOFException"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failureIsNamedWithItsHostAndCause(String what, IOException thrown, String expected) {
      RegistryException e = RegistryException.of("registry", CLIENT, REQUEST, thrown);

      assertThat(e.lookup().failure().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage())
          .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ms")
    @CsvSource({"400, 400 ms", "1000, 1 s", "1500, 1.5 s", "10000, 10 s"})
    void timesAreWrittenForPeople(long millis, String written) {
      assertThat(RegistryException.time(Duration.ofMillis(millis))).isEqualTo(written);
    }

    /** {@code exceptions[0]} caused by {@code exceptions[1]}, caused by... */
    private static IOException chain(Throwable... exceptions) {
      for (int i = exceptions.length - 1; i > 0; i--) {
        exceptions[i - 1].initCause(exceptions[i]);
      }
      return (IOException) exceptions[0];
    }
  }
}
