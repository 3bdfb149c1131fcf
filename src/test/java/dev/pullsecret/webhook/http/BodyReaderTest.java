package dev.pullsecret.webhook.http;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

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
