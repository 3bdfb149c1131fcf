package dev.pullsecret.webhook.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /noop}, for the benchmark only: reads the body as {@code /mutate} does and answers a
 * fixed small AdmissionReview. It measures the floor under the webhook (TLS, Tomcat, Spring MVC,
 * reading the body), so that the benchmark can say how much of each figure is the webhook's own
 * work.
 *
 * <p>Not in the production jar: the build packs this class alone into {@code
 * target/bench/pullsecret-webhook-*-bench.jar}, which {@code bench/run.sh} adds to the server's
 * class path (Spring Boot's {@code PropertiesLauncher}, {@code -Dloader.path}) along with {@code
 * webhook.bench.noop-endpoint=true}. In the tests it is on the class path but off by default. Wired
 * as every part is ({@link Wiring}: the scan finds configuration classes only).
 */
@RestController
class NoopEndpoint {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty("webhook.bench.noop-endpoint")
  static class Wiring {

    @Bean
    NoopEndpoint noopEndpoint(BodyReader bodyReader) {
      return new NoopEndpoint(bodyReader);
    }
  }

  /** About the size of a real answer with a three-secret patch. */
  private static final byte[] ANSWER =
      ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
              + "{\"uid\":\"00000000-0000-0000-0000-000000000000\",\"allowed\":true,"
              + "\"auditAnnotations\":{\"rule\":\"noop\"},\"patchType\":\"JSONPatch\",\"patch\":"
              + "\"W3sib3AiOiJhZGQiLCJwYXRoIjoiL3NwZWMvaW1hZ2VQdWxsU2VjcmV0cyIsInZhbHVlIjpbeyJuYW1lIjoi"
              + "ZG9ja2VyaHViLWNyZWRzIn0seyJuYW1lIjoiY29ycC1jcmVkcyJ9LHsibmFtZSI6Imdhci1jcmVkcyJ9XX1d\"}}")
          .getBytes(StandardCharsets.US_ASCII);

  private final BodyReader bodyReader;

  NoopEndpoint(BodyReader bodyReader) {
    this.bodyReader = bodyReader;
  }

  /** Reads the body exactly as {@code /mutate} does (budget, deadline), so the floor is fair. */
  @PostMapping("/noop")
  ResponseEntity<byte[]> noop(HttpServletRequest http) throws IOException {
    if (bodyReader.read(http, System.nanoTime()) instanceof BodyReader.Outcome.Body body) {
      body.close();
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(ANSWER);
    }
    return ResponseEntity.status(503).build();
  }
}
