package dev.pullsecret.webhook.delivery;

/**
 * Something wrong with a source Secret, with a stable code (metric label, Event reason) and a
 * message for people that never quotes a credential.
 */
record SourceProblem(String code, String message) {

  @Override
  public String toString() {
    return code + ": " + message;
  }
}
