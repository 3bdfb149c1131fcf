package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.DigestLookup;
import dev.pullsecret.webhook.admission.MalformedReviewException;
import dev.pullsecret.webhook.text.Text;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /mutate}: guard clauses on the raw request (type, size, emptiness, shape, room in the
 * in-flight budget), each answered with a Kubernetes Status that says what is wrong, then one call
 * to the admission handler, answered 200 ({@code allowed: false} only when a rule refuses the pod).
 * The API server treats any other status as a webhook failure and applies the registration's
 * failurePolicy.
 *
 * @param warmUpHandler answers the reviews the webhook sends itself while starting ({@link WarmUp},
 *     without I/O: {@link WarmUp#UID}); they are left out of the metrics
 */
@RestController
record AdmissionEndpoint(
    AdmissionReviewCodec codec,
    AdmissionHandler handler,
    AdmissionHandler warmUpHandler,
    AdmissionMetrics metrics,
    BodyReader bodyReader,
    RefusalLog refusals) {

  private static final Logger log = LoggerFactory.getLogger(AdmissionEndpoint.class);

  @PostMapping("/mutate")
  ResponseEntity<?> mutate(HttpServletRequest http) throws IOException {
    long start = System.nanoTime();
    if (!isJson(http.getContentType())) {
      return refuse(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be application/json, got " + Text.quote(http.getContentType()));
    }
    return switch (bodyReader.read(http, start)) {
      case BodyReader.Outcome.Body body ->
          ScopedValue.where(DigestLookup.MAY_WAIT, body::mayWait)
              .call(() -> answer(body.bytes(), start, body::keepForAnswer));
      case BodyReader.Outcome.TooLarge large ->
          refuse(HttpStatus.CONTENT_TOO_LARGE, large.message());
      case BodyReader.Outcome.Overloaded _ -> overloaded();
      case BodyReader.Outcome.TooSlow _ ->
          refuse(
              HttpStatus.REQUEST_TIMEOUT,
              "the body was not received within " + bodyReader.deadline().toSeconds() + " s");
    };
  }

  /**
   * {@code keep}: whether the answer's bytes fit the budget; if not, a 503, not counted answered.
   */
  private ResponseEntity<?> answer(byte[] body, long start, IntPredicate keep) {
    if (body.length == 0) {
      return refuse(HttpStatus.BAD_REQUEST, "empty body: expected an AdmissionReview");
    }
    AdmissionRequest request;
    try {
      request = codec.decode(body);
    } catch (MalformedReviewException e) {
      return refuse(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    boolean warmUp = WarmUp.UID.equals(request.uid());
    AdmissionDecision decision = (warmUp ? warmUpHandler : handler).decide(request);
    byte[] response = codec.encode(decision);
    if (!keep.test(response.length)) {
      return overloaded();
    }
    long nanos = System.nanoTime() - start;
    if (!warmUp) {
      metrics.reviewed(request, decision, nanos);
    }
    if (decision.reason().denies()) {
      // At every level, and once: a refused pod is what an operator looks for first. The message
      // is the one the API server shows: one line and bounded, like the summary. Within the
      // refusal log's bound: the failure is cached, so a client can loop such a review.
      refusals.denied(
          () ->
              "%s dryRun=%s reason=%s rule=%s: %s"
                  .formatted(
                      request.summary(),
                      request.isDryRun(),
                      decision.reason(),
                      decision.rule(),
                      decision.refusal()));
    } else if (log.isDebugEnabled()) {
      log.debug(
          "{} dryRun={} reason={} patched={} took={}us",
          request.summary(),
          request.isDryRun(),
          decision.reason(),
          decision.patch().size(),
          nanos / 1000);
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(response);
  }

  /**
   * The in-flight budget is spent: refused before any work, with a hint to retry (the API server
   * does not, it applies the failurePolicy to this call; other clients may).
   */
  private ResponseEntity<Status> overloaded() {
    metrics.refused(HttpStatus.SERVICE_UNAVAILABLE);
    refusals.refused(
        503, "the in-flight budget of " + bodyReader.budget().total() + " bytes is spent");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .contentType(MediaType.APPLICATION_JSON)
        .body(
            status(
                HttpStatus.SERVICE_UNAVAILABLE,
                "overloaded: reviews in flight use the webhook's memory budget; retry"));
  }

  private ResponseEntity<Status> refuse(HttpStatus status, String message) {
    refusals.refused(status.value(), message);
    metrics.refused(status);
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(status(status, message));
  }

  /**
   * A refusal as the API server reads one: it decodes a {@code Status} (kind, apiVersion v1,
   * "Failure") from a webhook's non-200 answer and shows its message to the user (failurePolicy
   * Fail) and in its log; anything else, such as a problem document, becomes "the server rejected
   * our request for an unknown reason". The reason is Kubernetes' word for the code.
   */
  private static Status status(HttpStatus code, String message) {
    String reason =
        switch (code) {
          case REQUEST_TIMEOUT -> "Timeout";
          case CONTENT_TOO_LARGE -> "RequestEntityTooLarge";
          default -> code.getReasonPhrase().replace(" ", "");
        };
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code.value())
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  private static boolean isJson(String contentType) {
    try {
      // Parsed once per distinct type: Spring keeps the last 64 it parsed.
      return MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
    } catch (IllegalArgumentException e) {
      // Absent or unparsable ("a", "application/json, text/plain", an unknown charset): Spring
      // throws InvalidMediaTypeException, which is an IllegalArgumentException, not an
      // InvalidMimeTypeException. It is the client's mistake: a 415, not a 500 with a trace.
      return false;
    }
  }

  /**
   * The log lines of refused requests and pods, at most {@link #PER_SECOND} a second for each
   * status (a pod a rule refuses: 403); the first line of the next second says how many were left
   * out ({@code pullsecret_requests_refused_total}, for pods {@code pullsecret_admissions_total},
   * counts them all). A 415 keeps the connection open, and one client looping it wrote 2,500 lines
   * a second, rotating the container's log within seconds.
   *
   * @param nanos the clock, {@link System#nanoTime} but in tests
   */
  record RefusalLog(LongSupplier nanos, Map<Integer, Window> windows) {

    static final int PER_SECOND = 10;

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    RefusalLog() {
      this(System::nanoTime, new ConcurrentHashMap<>());
    }

    /** One second of one status's refusals: when it began, how many, how many left out before. */
    record Window(long start, int count, long leftOutBefore) {}

    /** Logs that a request was refused with {@code status}, unless too many were this second. */
    void refused(int status, String detail) {
      long leftOut = admit(status);
      if (leftOut >= 0) {
        log.warn("Refused a review with {}: {}{}", status, detail, leftOut(leftOut, status));
      }
    }

    /** Logs a pod a rule refused ({@code Refused uid="..." ...}), as the 403 its answer holds. */
    void denied(Supplier<String> line) {
      long leftOut = admit(HttpStatus.FORBIDDEN.value());
      if (leftOut >= 0) {
        log.warn("Refused {}{}", line.get(), leftOut(leftOut, HttpStatus.FORBIDDEN.value()));
      }
    }

    private static String leftOut(long count, int status) {
      return count == 0
          ? ""
          : " ("
              + count
              + " more refused with "
              + status
              + " in the second before were not logged)";
    }

    /**
     * Counts one more refusal with {@code status}: how many the second before left out when this
     * one is logged (0 if none), or -1 when too many were logged this second.
     */
    private long admit(int status) {
      long now = nanos.getAsLong();
      Window window =
          windows.compute(
              status,
              (s, w) ->
                  w == null
                      ? new Window(now, 1, 0)
                      : now - w.start() >= SECOND
                          ? new Window(now, 1, Math.max(0, w.count() - PER_SECOND))
                          : new Window(w.start(), w.count() + 1, w.leftOutBefore()));
      if (window.count() > PER_SECOND) {
        return -1;
      }
      return window.count() == 1 ? window.leftOutBefore() : 0;
    }
  }
}
