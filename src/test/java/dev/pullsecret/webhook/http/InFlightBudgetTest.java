package dev.pullsecret.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The in-flight budget's share for large bodies, with the default budget (32 MB). */
class InFlightBudgetTest {

  private static final long MB = 1024 * 1024;
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final InFlightBudget budget = new InFlightBudget(32 * MB);

  @Test
  void largeBodiesNeverTakeTheRoomOfOneSmallReview() throws InterruptedException {
    while (budget.tryTake(BodyReader.CHUNK, true)) {
      // a client looping the largest reviews, as long as it gets room
    }

    assertThat(budget.take(InFlightBudget.answerCost(MAX_BODY, false), true)).isFalse();
    assertThat(budget.tryTake(InFlightBudget.REQUEST_OVERHEAD + BodyReader.CHUNK, false)).isTrue();
    assertThat(budget.take(InFlightBudget.answerCost(InFlightBudget.SMALL_BODY, true), false))
        .isTrue();
  }

  @Test
  void largeAnswersBeingWrittenNeverTakeTheRoomOfOneSmallReview() throws InterruptedException {
    long reserved = InFlightBudget.answerCost(0, false);
    while (budget.tryTake(reserved, false)) {
      // small reviews with large answers, each read slowly by its client, as long as they get room
      var body = new BodyReader.Outcome.Body(new byte[0], reserved, false, budget);
      if (!body.keepForAnswer(InFlightBudget.SMALL_ANSWER + 1)) {
        body.close();
        break;
      }
    }

    assertThat(budget.tryTake(InFlightBudget.SMALL_REVIEW, false)).isTrue();
  }

  @Test
  void reviewsWaitingForRegistriesNeverTakeTheRoomOfOneSmallReview() {
    long reserved = InFlightBudget.answerCost(8 * 1024, false);
    while (budget.tryTake(reserved, false)) {
      // small pods naming a tenant's slow registries, each waiting its lookup budget (1.5 s)
      var body = new BodyReader.Outcome.Body(new byte[0], reserved, false, budget);
      if (!body.mayWait()) {
        body.close(); // answered at once, its lookups not waited for
        break;
      }
    }

    assertThat(budget.tryTake(InFlightBudget.SMALL_REVIEW, false)).isTrue();
  }

  @Test
  void aLargeAnswerFindingTheLargeShareFullIsRefusedAtOnce() {
    while (budget.tryTake(BodyReader.CHUNK, true)) {
      // slow bodies and slowly read answers, as long as they get room
    }
    long reserved = InFlightBudget.answerCost(50 * 1024, false);
    assertThat(budget.tryTake(reserved, false)).isTrue(); // a small pod whose answer is large
    var body = new BodyReader.Outcome.Body(new byte[50 * 1024], reserved, false, budget);
    long start = System.nanoTime();

    assertThat(body.keepForAnswer(InFlightBudget.SMALL_ANSWER + 1)).isFalse();

    // It held the room kept for small reviews while it waited (up to 1 s) for the large share.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    body.close();
    assertThat(budget.tryTake(InFlightBudget.SMALL_REVIEW, false)).isTrue();
  }

  @Test
  void anAnswerBeingWrittenKeepsOnlyItsBytesAndTheBody() throws InterruptedException {
    long reserved = InFlightBudget.answerCost(1000, false);
    assertThat(budget.tryTake(reserved, false)).isTrue();
    var body = new BodyReader.Outcome.Body(new byte[1000], reserved, false, budget);

    assertThat(body.keepForAnswer(2000)).isTrue();

    assertThat(budget.tryTake(32 * MB - 3000, false)).isTrue();
    assertThat(budget.tryTake(1, false)).isFalse();
    body.close();
    assertThat(budget.tryTake(3000, false)).isTrue();
  }

  @Test
  void theLargestAdmissibleReviewIsStillReadAndAnsweredAlone() throws InterruptedException {
    long smallPart = InFlightBudget.REQUEST_OVERHEAD + InFlightBudget.SMALL_BODY;
    long largePart = MAX_BODY - InFlightBudget.SMALL_BODY;

    assertThat(budget.tryTake(smallPart, false)).isTrue();
    assertThat(budget.tryTake(largePart, true)).isTrue();
    // Joined while its chunks are still reserved (BodyReader.answerable).
    assertThat(budget.take(InFlightBudget.answerCost(MAX_BODY, false), true)).isTrue();
  }

  @Test
  void whatIsGivenBackIsTakenAgain() throws InterruptedException {
    long share = 32 * MB - InFlightBudget.SMALL_REVIEW;
    assertThat(budget.take(share, true)).isTrue();
    assertThat(budget.tryTake(1, true)).isFalse();

    budget.give(share, true);

    assertThat(budget.tryTake(share, true)).isTrue();
    assertThat(budget.tryTake(InFlightBudget.SMALL_REVIEW, false)).isTrue();
    assertThat(budget.tryTake(1, false)).isFalse();
  }

  @Test
  void aLargeReviewInterruptedWhileWaitingGivesItsShareBack() throws InterruptedException {
    long share = 32 * MB - InFlightBudget.SMALL_REVIEW;
    long held = 32 * MB - share / 2;
    assertThat(budget.tryTake(held, false))
        .isTrue(); // small reviews hold the bytes a large one needs
    var interrupted = new AtomicBoolean();
    Thread waiter =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    budget.take(share, true);
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                  }
                });
    // Parked only in the wait for the bytes, its share already taken.
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1)) // its wait lasts InFlightBudget.WAIT (1 s) at most
        .until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
    waiter.interrupt();
    waiter.join();

    assertThat(interrupted).isTrue();
    budget.give(held, false);
    assertThat(budget.tryTake(share, true)).isTrue();
  }

  /**
   * The budget holds what answering a review takes only if its reservation covers it: the body's
   * bytes and everything decoding allocates (an upper bound of what is held at once). The worst is
   * one string as long as the body, in text of which one character is past U+00FF, so that every
   * string is two bytes a character. Before, a 4 MiB such review reserved 22 MiB and took 53 MB
   * (the body decoded into a string, copied twice, and Jackson's three copies of the long string),
   * ~60 % more than the budget counted for each large review in flight.
   */
  @Test
  void decodingTheLargestReviewsTakesNoMoreThanTheyReserve() {
    var codec = new AdmissionReviewCodec(MAX_BODY);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (String last : List.of("x", "\u00e9", "\u0101", "\u20ac", "\ud83d\ude00")) {
      byte[] body = reviewOfOneLongString(last);
      codec.decode(body); // classes loaded and buffers made before measuring
      long before = threads.getCurrentThreadAllocatedBytes();
      codec.decode(body);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;

      assertThat(body.length + allocated)
          .as("a body of %d bytes ending its string with %s", body.length, last)
          .isLessThanOrEqualTo(
              InFlightBudget.answerCost(body.length, InFlightBudget.widens(body, body.length)));
    }
  }

  /** A review whose annotation takes the whole body but 1 KiB, ending with {@code last}. */
  private static byte[] reviewOfOneLongString(String last) {
    String head =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
            + "\"uid\":\"u\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
            + "\"namespace\":\"ns\",\"operation\":\"CREATE\",\"object\":{\"metadata\":{"
            + "\"name\":\"p\",\"annotations\":{\"a\":\"";
    String tail = "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";
    int pad = MAX_BODY - 1024 - head.length() - tail.length() - 4;
    return (head + "x".repeat(pad) + last + tail).getBytes(StandardCharsets.UTF_8);
  }
}
