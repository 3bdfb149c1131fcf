package dev.pullsecret.webhook.bench.decode;

import dev.pullsecret.webhook.admission.AdmissionRequest;
import dev.pullsecret.webhook.admission.MalformedReviewException;
import dev.pullsecret.webhook.text.Text;

/**
 * A candidate decoder of AdmissionReview bodies, measured against the codec's Jackson path ({@code
 * DecodeBenchmark}) and compared with it field by field ({@code DecodeComparison}). Each builds the
 * same fabric8 objects through their setters, so the webhook's core could take either unchanged.
 */
public interface ReviewDecoder {

  /** Reading stops past this many elements of a pod list, as {@code BoundedBinding} does. */
  int MAX_LIST_ELEMENTS = 256;

  /** The annotations kept, as {@code BoundedBinding.ReadAnnotations}: a few and the marker. */
  int MAX_ANNOTATIONS_KEPT = 16;

  String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

  /**
   * @throws MalformedReviewException if the body is not a v1 AdmissionReview request with a uid
   */
  AdmissionRequest decode(byte[] body);

  /** The checks {@code AdmissionReviewCodec.decode} makes once the envelope is read. */
  static AdmissionRequest checked(
      boolean isNull, String apiVersion, String kind, AdmissionRequest request) {
    if (isNull) {
      throw new MalformedReviewException("body is empty (JSON null)");
    }
    if (!"AdmissionReview".equals(kind)) {
      throw new MalformedReviewException("kind must be AdmissionReview, got " + quote(kind));
    }
    if (!"admission.k8s.io/v1".equals(apiVersion)) {
      throw new MalformedReviewException(
          "apiVersion must be admission.k8s.io/v1 (register the webhook with"
              + " admissionReviewVersions: [v1]), got "
              + quote(apiVersion));
    }
    if (request == null) {
      throw new MalformedReviewException("the review has no request");
    }
    if (request.uid() == null || request.uid().isBlank()) {
      throw new MalformedReviewException("request.uid is missing: the response could not echo it");
    }
    return request;
  }

  private static String quote(String value) {
    return value == null ? "nothing" : Text.quote(value);
  }

  /** A value of the wrong type where a field is bound: the message names the place only. */
  static MalformedReviewException wrongType(String expected, String path) {
    return new MalformedReviewException(
        "body is not a JSON AdmissionReview: a value of the wrong type (expected "
            + expected
            + ") at "
            + Text.quote(path));
  }

  static MalformedReviewException tooManyElements(String path) {
    return new MalformedReviewException(
        "body is not a JSON AdmissionReview: more than "
            + MAX_LIST_ELEMENTS
            + " elements in a pod list (the webhook's limit) at "
            + Text.quote(path));
  }
}
