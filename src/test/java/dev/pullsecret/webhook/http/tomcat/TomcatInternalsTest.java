package dev.pullsecret.webhook.http.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

/**
 * The hardening of this package reaches into Tomcat's internals, which carry no compatibility
 * promise: what it relies on is listed here, checked to exist, and pinned to the Tomcat version it
 * was verified against. A Tomcat upgrade fails this test by name, so that each behaviour below is
 * checked again (SlowClientsIT, GracefulShutdownIT, RequestEdgeTest, MemoryBoundIT show it end to
 * end) before the version here is moved.
 */
class TomcatInternalsTest {

  /** The Tomcat the hardening was last verified with (Spring Boot's managed version). */
  static final String VERIFIED = "11.0.27";

  /** {@code class#method}, and what relies on it. */
  record Internal(String type, String method, String reliedOnBy) {}

  static final List<Internal> USED =
      List.of(
          new Internal(
              "org.apache.tomcat.util.net.AbstractEndpoint",
              "getConnections",
              "SweptHttp11NioProtocol, ConnectionDrain: a copy of the open connections"),
          new Internal(
              "org.apache.tomcat.util.net.SocketWrapperBase",
              "getLock",
              "SweptHttp11NioProtocol: a worker holds the lock while it processes the connection"),
          new Internal(
              "org.apache.tomcat.util.net.SocketWrapperBase",
              "getCurrentProcessor",
              "SweptHttp11NioProtocol: a processor is attached while a request is partly received"),
          new Internal(
              "org.apache.coyote.http11.AbstractHttp11Protocol",
              "createProcessor",
              "SweptHttp11NioProtocol: its processors say when a worker holds a connection"),
          new Internal(
              "org.apache.coyote.http11.Http11Processor",
              "service",
              "SweptHttp11NioProtocol: a worker's whole hold on a connection, body read, answer"
                  + " and its write included"),
          new Internal(
              "org.apache.tomcat.util.net.SocketWrapperBase",
              "setWriteTimeout",
              "SweptHttp11NioProtocol: a blocking write reads it at each wait and after each"
                  + " progress, so lowering it ends an answer written to a client reading slowly"),
          new Internal(
              "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper",
              "getLastRead",
              "SweptHttp11NioProtocol: when an idle keep-alive connection last sent"),
          new Internal(
              "org.apache.tomcat.util.net.NioChannel",
              "isHandshakeComplete",
              "SweptHttp11NioProtocol: a TLS handshake still under way counts against the deadline"),
          new Internal(
              "org.apache.coyote.AbstractProcessor",
              "getRequest",
              "SweptHttp11NioProtocol: the request of a connection being received"),
          new Internal(
              "org.apache.coyote.Request",
              "getStartTimeNanos",
              "SweptHttp11NioProtocol, UnreadBodyDeadline: set when a request's first byte arrives"),
          new Internal(
              "org.apache.coyote.Request",
              "action",
              "UnreadBodyDeadline: DISABLE_SWALLOW_INPUT, REQUEST_BODY_FULLY_READ, AVAILABLE;"
                  + " ManagementConnectorSettings.BodiesRefused: DISABLE_SWALLOW_INPUT"),
          new Internal(
              "org.apache.coyote.http11.AbstractHttp11Protocol",
              "addSslHostConfig",
              "SweptHttp11NioProtocol: each TLS configuration (a certificate reload gives a new"
                  + " one) gets its bound on kept TLS sessions"),
          new Internal(
              "org.apache.coyote.Request",
              "getAvailable",
              "UnreadBodyDeadline: the bytes of the body Tomcat holds already (the servlet API"
                  + " reduces them to 0 or 1)"),
          new Internal(
              "org.apache.coyote.AbstractProtocol",
              "getUtilityExecutor",
              "SweptHttp11NioProtocol: the sweep runs on Tomcat's utility executor"),
          new Internal(
              "org.apache.coyote.AbstractProtocol",
              "pause",
              "SweptHttp11NioProtocol, ConnectionDrain: overridden so that open connections keep being"
                  + " answered on graceful shutdown (Tomcat sets keep-alive to this request only"
                  + " once the listening socket is closed)"));

  @Test
  void everyInternalReliedOnStillExists() {
    for (Internal internal : USED) {
      Class<?> type;
      try {
        type = Class.forName(internal.type());
      } catch (ClassNotFoundException e) {
        fail("Tomcat has no class %s any more, which %s", internal.type(), internal.reliedOnBy());
        return;
      }
      boolean found =
          Arrays.stream(allMethods(type)).anyMatch(m -> m.getName().equals(internal.method()));
      assertThat(found)
          .as("Tomcat's %s#%s, which %s", internal.type(), internal.method(), internal.reliedOnBy())
          .isTrue();
    }
  }

  @Test
  void theHardeningWasVerifiedWithThisTomcat() {
    String running = ServerInfo.getServerNumber().replaceAll("^(\\d+\\.\\d+\\.\\d+).*", "$1");

    assertThat(running)
        .as(
            "Tomcat is now %s, the hardening of http/tomcat was verified with %s: check each"
                + " internal of TomcatInternalsTest.USED again (%s), run SlowClientsIT,"
                + " GracefulShutdownIT, RequestEdgeTest and MemoryBoundIT, then move VERIFIED",
            running, VERIFIED, USED.stream().map(i -> i.type() + "#" + i.method()).toList())
        .isEqualTo(VERIFIED);
  }

  private static Method[] allMethods(Class<?> type) {
    List<Method> methods = new java.util.ArrayList<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      methods.addAll(Arrays.asList(c.getDeclaredMethods()));
    }
    return methods.toArray(Method[]::new);
  }
}
