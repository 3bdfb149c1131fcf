package dev.pullsecret.webhook.mutation;

/** What a mutation did, in words a platform engineer reads in warnings, logs and annotations. */
public sealed interface Change {

  String describe();

  /** A pull secret was added to {@code spec.imagePullSecrets}. */
  record SecretInjected(String secret) implements Change {
    @Override
    public String describe() {
      return "added imagePullSecret " + secret;
    }
  }
}
