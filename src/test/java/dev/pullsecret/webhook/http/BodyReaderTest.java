package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.rules.LoadedRules;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Reviews;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which bodies may be read in the room the in-flight budget keeps for one small review: only those
 * that came whole with their request's head, as the API server sends them.
 */
class BodyReaderTest {

  private static final long MB = 1024 * 1024;
  private static final byte[] REVIEW =
      resource("admission/cases/recorded-01-create-plain-pod.review.json");

  private final InFlightBudget budget = new InFlightBudget(32 * MB);
  private final BodyReader reader = new BodyReader(budget, Duration.ofSeconds(5), (int) (4 * MB));

  @BeforeEach
  void slowClientsHoldTheLargeShare() {
    while (budget.tryTake(BodyReader.CHUNK, true)) {
      // each waiting for the rest of its body, as long as it gets room
    }
  }

  /** Before, 300 clients sending their bodies a byte a second held the whole budget. */
  @Test
  void aBodyStillToComeIsNotReadInTheRoomKeptForOneSmallReview() throws IOException {
    var outcome = reader.read(request(false), System.nanoTime());

    assertThat(outcome).isInstanceOf(BodyReader.Outcome.Overloaded.class);
  }

  @Test
  void aBodyThatCameWithItsHeadIsReadInThatRoom() throws IOException {
    var outcome = reader.read(request(true), System.nanoTime());

    assertThat(outcome).isInstanceOf(BodyReader.Outcome.Body.class);
    ((BodyReader.Outcome.Body) outcome).close();
  }

  /**
   * A body holding a character past U+00FF reserves 8 times its size, so one of nearly 4 MiB can
   * never find room in a 32 MiB budget: it was answered 503 "overloaded; retry", which no retry
   * could help. It is refused as too large, saying why.
   */
  @Test
  void aBodyTooLargeToEverBeAnsweredIsRefusedAsTooLargeNotOverloaded() throws IOException {
    var idle = new BodyReader(new InFlightBudget(32 * MB), Duration.ofSeconds(5), (int) (4 * MB));
    var request = request(true);
    request.setContent(("{\"a\":\"ā" + "x".repeat((int) (3.9 * MB)) + "\"}").getBytes(UTF_8));

    var outcome = idle.read(request, System.nanoTime());

    assertThat(outcome)
        .isInstanceOfSatisfying(
            BodyReader.Outcome.TooLarge.class,
            large -> assertThat(large.message()).contains("past U+00FF").contains("in-flight"));
  }

  /**
   * A review whose answer is large, refused 503 because the large share is full: the API server
   * applied the failurePolicy, nothing was patched. Before, it was counted first as answered
   * ({@code pullsecret_admissions_total{reason="PATCHED"}}, its rule's changes as applied), and
   * counted refused too.
   */
  @Test
  void aReviewWhoseAnswerIsRefused503IsCountedRefusedOnly() throws IOException {
    var registry = new SimpleMeterRegistry();
    var rules =
        RulesParser.parse(
            new String(resource("rules/test-rules.yaml"), StandardCharsets.UTF_8), "rules");
    var handler =
        AdmissionHandler.offline(
            () -> new LoadedRules(rules, 1, "0", Instant.EPOCH, "rules"),
            NamespaceScope.EVERYWHERE);
    var endpoint =
        new AdmissionEndpoint(
            new AdmissionReviewCodec((int) (4 * MB)),
            handler,
            handler,
            new AdmissionMetrics(registry),
            reader,
            new AdmissionEndpoint.RefusalLog());
    var review =
        (ObjectNode)
            Reviews.json(
                resource(
                    "admission/cases/mirrored-namespace-pins-mirrors-and-redecides-pull-policy"
                        + ".review.json"));
    var containers = (ArrayNode) review.at("/request/object/spec/containers");
    for (int i = 0; i < 200; i++) {
      containers.addObject().put("name", "c" + i).put("image", "nginx");
    }
    var request = request(true);
    request.setContent(Reviews.JSON.writeValueAsBytes(review));

    ResponseEntity<?> answer = endpoint.mutate(request);

    assertThat(answer.getStatusCode().value()).isEqualTo(503);
    assertThat(registry.find("pullsecret.admissions").counters()).isEmpty();
    assertThat(registry.find("pullsecret.rule.changes").counters()).isEmpty();
    assertThat(registry.get("pullsecret.requests.refused").tag("status", "503").counter().count())
        .isEqualTo(1);
  }

  @AfterEach
  void requestCompleted() {
    RequestContextHolder.resetRequestAttributes();
  }

  private static MockHttpServletRequest request(boolean arrived) {
    var request = new MockHttpServletRequest("POST", "/mutate");
    request.setContentType("application/json");
    request.setContent(REVIEW);
    request.setAttribute(InFlightBudget.BODY_ARRIVED, arrived);
    RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    return request;
  }
}
