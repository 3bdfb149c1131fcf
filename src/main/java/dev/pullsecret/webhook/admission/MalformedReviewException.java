package dev.pullsecret.webhook.admission;

import dev.pullsecret.webhook.text.StrictJson;
import dev.pullsecret.webhook.text.Text;
import java.util.Collection;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * The body is not an admission.k8s.io/v1 AdmissionReview request the webhook can answer. The
 * message goes back to the caller and into the log, so it never quotes the body: Jackson's own
 * messages quote the offending value ({@code from String "hunter2"}), and a pod spec carries
 * environment values and command lines. A parse error is told by where it is and its kind.
 */
public class MalformedReviewException extends RuntimeException {

  public MalformedReviewException(String message) {
    super(message);
  }

  /** The body could not be read as JSON or bound to a review. */
  MalformedReviewException(JacksonException error) {
    super(
        "body is not a JSON AdmissionReview: "
            + problem(error)
            + at(error.getPath())
            + StrictJson.where(error.getLocation()),
        error);
  }

  private static String problem(JacksonException error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      // Limit messages hold only the sizes and the limit, which is what the caller needs to know.
      if (t instanceof StreamConstraintsException limit) {
        return limit.getOriginalMessage();
      }
    }
    return switch (error) {
      case MismatchedInputException mismatch when mismatch.getTargetType() != null ->
          "a value of the wrong type (expected " + typeName(mismatch.getTargetType()) + ")";
      case MismatchedInputException mismatch -> "a value of the wrong type";
      case StreamReadException syntax -> "not well-formed JSON";
      default -> "cannot be bound (" + error.getClass().getSimpleName() + ")";
    };
  }

  private static String typeName(Class<?> type) {
    if (Collection.class.isAssignableFrom(type)) {
      return "an array"; // ArrayList, or the bounded lists of PodFields
    }
    return switch (type.getSimpleName()) {
      case "Integer", "Long", "int", "long" -> "an integer";
      case "Boolean", "boolean" -> "true or false";
      case "String" -> "a string";
      default -> "an object";
    };
  }

  /** Quoted: map keys (labels, annotations) are part of the path and come from the body. */
  private static String at(List<JacksonException.Reference> path) {
    if (path.isEmpty()) {
      return "";
    }
    var pointer = new StringBuilder();
    for (var reference : path) {
      if (reference.getPropertyName() != null) {
        pointer.append(pointer.isEmpty() ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        pointer.append('[').append(reference.getIndex()).append(']');
      }
    }
    return " at " + Text.quote(pointer.toString());
  }
}
