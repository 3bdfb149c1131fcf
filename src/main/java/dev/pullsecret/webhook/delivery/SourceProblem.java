package dev.pullsecret.webhook.delivery;

/**
 * Something wrong with a source Secret, with a stable code (the credentials package's {@code
 * ProblemCode}: metric label, Event text) and a message for people that never quotes a credential.
 *
 * @param error true when the kubelet cannot use the secret as intended; false for a warning
 */
record SourceProblem(String code, String message, boolean error) {

  @Override
  public String toString() {
    return code + ": " + message;
  }
}
