package dev.pullsecret.webhook.http.tomcat;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.apache.coyote.http11.Http11NioProtocol;
import org.springframework.boot.tomcat.TomcatWebServerFactory;

/**
 * Tomcat's NIO HTTP/1.1 protocol with the connections that hold a slot without sending closed
 * ({@link ConnectionSweep}: a deadline for a request's start, idle ones shed when slots run short).
 * Both ports run it: a client can hold the management port's slots as well as the admission port's,
 * and there it would starve the kubelet's probes (a liveness failure restarts the pod).
 */
public class SweptHttp11NioProtocol extends Http11NioProtocol {

  private Duration readDeadline = Duration.ofSeconds(5);
  private ScheduledFuture<?> sweep;

  /** Runs {@code factory}'s connector on {@code protocol}, sweeping with {@code readDeadline}. */
  static void install(
      TomcatWebServerFactory factory,
      Class<? extends SweptHttp11NioProtocol> protocol,
      Duration readDeadline) {
    factory.setProtocol(protocol.getName());
    factory.addConnectorCustomizers(
        connector ->
            connector.setProperty("readDeadlineMillis", Long.toString(readDeadline.toMillis())));
  }

  /** Set by {@link #install}; see {@link ConnectionSweep}. */
  public void setReadDeadlineMillis(long millis) {
    this.readDeadline = Duration.ofMillis(millis);
  }

  @Override
  public void start() throws Exception {
    super.start();
    sweep =
        new ConnectionSweep(readDeadline)
            .schedule(getUtilityExecutor(), getEndpoint()::getConnections, this::getMaxConnections);
  }

  @Override
  public void stop() throws Exception {
    if (sweep != null) {
      sweep.cancel(false);
    }
    super.stop();
  }
}
