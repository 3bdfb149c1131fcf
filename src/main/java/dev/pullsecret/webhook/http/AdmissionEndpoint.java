package dev.pullsecret.webhook.http;

import dev.pullsecret.webhook.admission.AdmissionDecision;
import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.AdmissionReviewCodec;
import dev.pullsecret.webhook.admission.MalformedReviewException;
import dev.pullsecret.webhook.config.WebhookProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /mutate}: guard clauses on the raw request (type, size, emptiness, shape), each
 * answered with a 4xx problem that says what is wrong, then one call to the admission handler.
 * Anything that reaches the handler is answered 200 with {@code allowed: true}; the API server
 * treats any other status as a webhook failure and applies the registration's failurePolicy.
 */
@RestController
class AdmissionEndpoint {

  private static final Logger log = LoggerFactory.getLogger(AdmissionEndpoint.class);

  /**
   * The uid of the reviews the webhook sends itself while starting ({@link HttpsWarmUp}); they are
   * answered like any other but left out of the metrics. The API server's uids are UUIDs.
   */
  static final String WARM_UP_UID = AdmissionHandler.WARM_UP_UID;

  private final AdmissionReviewCodec codec;
  private final AdmissionHandler handler;
  private final AdmissionMetrics metrics;
  private final int maxBodyBytes;

  AdmissionEndpoint(
      AdmissionReviewCodec codec,
      AdmissionHandler handler,
      AdmissionMetrics metrics,
      WebhookProperties properties) {
    this.codec = codec;
    this.handler = handler;
    this.metrics = metrics;
    this.maxBodyBytes = properties.maxRequestBytes();
  }

  @PostMapping("/mutate")
  ResponseEntity<?> mutate(HttpServletRequest http) throws IOException {
    long start = System.nanoTime();
    if (!isJson(http.getContentType())) {
      return refuse(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be application/json, got " + http.getContentType());
    }
    // Checked before reading so an oversized body is never buffered; checked again after a
    // bounded read because Content-Length may be absent (chunked) or wrong.
    if (http.getContentLengthLong() > maxBodyBytes) {
      return tooLarge(http.getContentLengthLong());
    }
    byte[] body = readBody(http, maxBodyBytes);
    if (body.length > maxBodyBytes) {
      return tooLarge(body.length);
    }
    if (body.length == 0) {
      return refuse(HttpStatus.BAD_REQUEST, "empty body: expected an AdmissionReview");
    }
    AdmissionRequest request;
    try {
      request = codec.decode(body);
    } catch (MalformedReviewException e) {
      return refuse(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    AdmissionDecision decision = handler.decide(request);
    byte[] response = codec.encode(decision);
    long nanos = System.nanoTime() - start;
    if (!WARM_UP_UID.equals(request.uid())) {
      metrics.reviewed(request, decision, nanos);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "uid={} ns={} pod={} op={} dryRun={} reason={} patched={} took={}us",
          request.uid(),
          request.podNamespace(),
          request.podName(),
          request.operation(),
          request.isDryRun(),
          decision.reason(),
          decision.patch().size(),
          nanos / 1000);
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(response);
  }

  /**
   * Reads at most {@code limit + 1} bytes, so an over-long body is seen without being buffered
   * whole. With a Content-Length (the API server always sends one) the body is read straight into
   * an array of that size; without, the stream is read in chunks.
   */
  static byte[] readBody(HttpServletRequest http, int limit) throws IOException {
    long declared = http.getContentLengthLong();
    if (declared < 0 || declared > limit) {
      return http.getInputStream().readNBytes(limit + 1);
    }
    byte[] body = new byte[(int) declared];
    int read = http.getInputStream().readNBytes(body, 0, body.length);
    return read == body.length ? body : Arrays.copyOf(body, read);
  }

  private ResponseEntity<ProblemDetail> tooLarge(long bytes) {
    return refuse(
        HttpStatus.CONTENT_TOO_LARGE,
        "body of " + bytes + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
  }

  private ResponseEntity<ProblemDetail> refuse(HttpStatus status, String detail) {
    log.warn("Refused a review with {}: {}", status.value(), detail);
    metrics.refused(status);
    return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, detail));
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    // What the API server sends, answered without parsing the media type on every review.
    if (contentType.equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE)) {
      return true;
    }
    try {
      return MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
    } catch (InvalidMimeTypeException e) {
      return false;
    }
  }
}
