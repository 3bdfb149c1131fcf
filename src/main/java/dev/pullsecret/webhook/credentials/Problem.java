package dev.pullsecret.webhook.credentials;

/**
 * One problem found in a pull secret. The message names the data key, auths key or registry
 * concerned, and never a credential: no password, token, {@code auth} value or username (except the
 * well-known usernames {@code _json_key}, {@code _json_key_base64}, {@code oauth2accesstoken} and
 * Amazon ECR's {@code AWS}), so it can go into Events, logs and kubectl output as it is.
 *
 * @param code the stable code, for metrics and Event reasons
 * @param message what is wrong and how to fix it, for people
 */
public record Problem(ProblemCode code, String message) {

  public boolean isError() {
    return !code.isWarning();
  }

  @Override
  public String toString() {
    return code + ": " + message;
  }
}
