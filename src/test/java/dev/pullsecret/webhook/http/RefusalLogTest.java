package dev.pullsecret.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.registry.DigestResolver;
import dev.pullsecret.webhook.registry.LookupObserver;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.TestContexts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Refusals in the log: bounded per status and second, and the rest counted in the next line. */
@ExtendWith(OutputCaptureExtension.class)
class RefusalLogTest {

  private final AtomicLong nanos = new AtomicLong();
  private final AdmissionEndpoint.RefusalLog log =
      new AdmissionEndpoint.RefusalLog(nanos::get, new ConcurrentHashMap<>());

  @Test
  void aClientLoopingRefusalsWritesTenLinesASecond(CapturedOutput output) {
    for (int i = 0; i < 2_500; i++) {
      log.refused(415, "Content-Type must be application/json, got \"text/plain\"");
    }

    assertThat(lines(output, "Refused a review with 415"))
        .isEqualTo(AdmissionEndpoint.RefusalLog.PER_SECOND);
  }

  @Test
  void theNextSecondSaysHowManyWereLeftOut(CapturedOutput output) {
    for (int i = 0; i < 50; i++) {
      log.refused(415, "wrong type");
    }

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    log.refused(415, "wrong type");

    assertThat(output)
        .contains("wrong type (40 more refused with 415 in the second before were not logged)");
  }

  @Test
  void eachStatusHasItsOwnShare(CapturedOutput output) {
    for (int i = 0; i < 50; i++) {
      log.refused(415, "wrong type");
    }

    log.refused(400, "empty body");

    assertThat(output).contains("Refused a review with 400: empty body");
  }

  /**
   * A rule with {@code resolveDigests.onFailure: deny} refuses pods whose tags cannot be resolved,
   * one log line each; the failure is cached, so any client looping such a review on one connection
   * had each one logged, a line of up to 4 KB (4,096 characters of refusal).
   */
  @Test
  void aClientLoopingReviewsThatARuleRefusesWritesTenLinesASecond(CapturedOutput output)
      throws Exception {
    var rules =
        RulesParser.parse(
            """
            rules:
              - name: strict
                namespaces: [strict]
                images:
                  resolveDigests: {onFailure: deny}
            """,
            "rules.yaml");
    var loaded = new LoadedRules(rules, 1, "test", Instant.EPOCH, "");
    var settings =
        new DigestResolver.Settings(
            Duration.ZERO,
            Duration.ofMinutes(1),
            Duration.ofSeconds(10),
            16,
            1,
            Duration.ofMillis(100),
            Duration.ofMillis(100),
            null);
    var budget = new InFlightBudget(32L * 1024 * 1024);
    try (var resolver = new DigestResolver(settings, LookupObserver.NONE)) {
      var handler =
          TestContexts.withDigests(
              () -> loaded,
              new DigestLookup(
                  resolver, RegistryCredentials.ANONYMOUS, Duration.ZERO, LookupObserver.NONE));
      var endpoint =
          new AdmissionEndpoint(
              new AdmissionReviewCodec(4 * 1024 * 1024),
              handler,
              handler,
              new AdmissionMetrics(new SimpleMeterRegistry()),
              new BodyReader(budget, Duration.ofSeconds(5), 4 * 1024 * 1024),
              log);
      byte[] review =
          """
          {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",\
          "kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE",\
          "namespace":"strict","object":{"spec":{"containers":[{"name":"a",\
          "image":"registry.invalid/app:1"}]}}}}"""
              .getBytes(StandardCharsets.UTF_8);

      for (int i = 0; i < 100; i++) {
        var request = new MockHttpServletRequest("POST", "/mutate");
        request.setContentType("application/json");
        request.setContent(review);
        request.setAttribute(InFlightBudget.BODY_ARRIVED, true);
        var attributes = new ServletRequestAttributes(request);
        RequestContextHolder.setRequestAttributes(attributes);
        try {
          assertThat(endpoint.mutate(request).getStatusCode().value()).isEqualTo(200);
        } finally {
          attributes.requestCompleted();
          RequestContextHolder.resetRequestAttributes();
        }
      }
    }

    assertThat(lines(output, "reason=DIGEST_UNRESOLVED"))
        .isEqualTo(AdmissionEndpoint.RefusalLog.PER_SECOND);
  }

  private static long lines(CapturedOutput output, String text) {
    return output.getAll().lines().filter(line -> line.contains(text)).count();
  }
}
