package dev.pullsecret.webhook.admission;

/** The body is not an admission.k8s.io/v1 AdmissionReview request the webhook can answer. */
public class MalformedReviewException extends RuntimeException {

  public MalformedReviewException(String message) {
    super(message);
  }

  public MalformedReviewException(String message, Throwable cause) {
    super(message, cause);
  }
}
