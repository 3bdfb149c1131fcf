package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.credentials.Problem;
import dev.pullsecret.webhook.credentials.PullSecretCheck;
import dev.pullsecret.webhook.delivery.SyncCaches.ObservedCopy;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The pure part of a reconcile: the writes that bring a namespace's copies to what it should have,
 * and each wanted copy's state once they succeed (a failed write changes it), computed from the
 * copies it should have, the sources, and our copies found there. Running it on its own output
 * plans nothing, so a duplicated or replayed event is harmless.
 *
 * <p>An invalid source of a pull-secret type is still copied (the kubelet may use part of it, and a
 * namespace without the Secret certainly pulls anonymously) and reported; a source of any other
 * type (Opaque, TLS...) is never copied, as it is certainly not what was meant.
 */
record CopyPlan(List<Action> actions, Map<String, CopyState> states) {

  /** The only types the kubelet reads as pull secrets. */
  private static final Set<String> PULL_SECRET_TYPES =
      Set.of(PullSecretCheck.DOCKER_CONFIG_JSON, PullSecretCheck.DOCKERCFG);

  /** One write of a plan. */
  sealed interface Action {

    String namespace();

    String name();
  }

  /** Create a copy; if a Secret of that name exists, it is a conflict unless it is ours. */
  record Create(String namespace, String name, Secret copy) implements Action {}

  /** Replace our copy's content; {@code copy} carries the resourceVersion that was read. */
  record Update(String namespace, String name, Secret copy) implements Action {}

  /**
   * Delete our copy as it was read ({@code resourceVersion}, a precondition: a Secret made since in
   * its place is not deleted from a stale plan); {@code why} says for the log.
   */
  record Delete(String namespace, String name, String resourceVersion, String why)
      implements Action {}

  /**
   * @param wanted the delivered pull secrets of the namespace's rule, sources resolved
   * @param sources a source Secret by its reference, empty when it does not exist
   * @param ours our copies in the namespace, by name
   * @param forbidden what the webhook's RBAC keeps it from delivering: never made
   */
  static CopyPlan of(
      String namespace,
      List<PullSecret> wanted,
      Function<SecretSource, Optional<Secret>> sources,
      Map<String, ObservedCopy> ours,
      Predicate<PullSecret> forbidden) {
    List<Action> actions = new ArrayList<>();
    Map<String, CopyState> states = new HashMap<>();
    for (PullSecret secret : wanted) {
      if (forbidden.test(secret)) {
        states.put(secret.name(), CopyState.FORBIDDEN);
        continue;
      }
      ObservedCopy copy = ours.get(secret.name());
      Optional<Secret> source = sources.apply(secret.source());
      CopyState state =
          source.isEmpty()
              ? (copy == null ? CopyState.MISSING : CopyState.SOURCE_MISSING)
              : planCopy(namespace, secret, source.get(), copy, actions);
      states.put(secret.name(), state);
    }
    ours.forEach(
        (name, copy) -> {
          if (wanted.stream().noneMatch(s -> s.name().equals(name))) {
            String why = "no rule wants it there now";
            actions.add(new Delete(namespace, name, copy.resourceVersion(), why));
          }
        });
    return new CopyPlan(actions, states);
  }

  private static CopyState planCopy(
      String namespace, PullSecret secret, Secret source, ObservedCopy copy, List<Action> actions) {
    if (!isPullSecretType(source)) {
      return CopyState.INVALID_SOURCE;
    }
    String hash = CopyMarks.contentHash(source);
    if (copy != null && isCurrent(copy, hash, secret.source())) {
      boolean valid = problems(source, secret).stream().noneMatch(Problem::isError);
      return valid ? CopyState.SYNCED : CopyState.INVALID_SOURCE;
    }
    Secret made = copyOf(source, secret, namespace);
    if (copy != null && !copy.immutable() && Objects.equals(copy.type(), source.getType())) {
      made.getMetadata().setResourceVersion(copy.resourceVersion());
      actions.add(new Update(namespace, secret.name(), made));
      return CopyState.PENDING;
    }
    if (copy != null) {
      // A Secret's type is immutable, and so is all of an immutable Secret: replace it.
      String why = "replaced, as its type or an immutable Secret cannot change";
      actions.add(new Delete(namespace, secret.name(), copy.resourceVersion(), why));
    }
    actions.add(new Create(namespace, secret.name(), made));
    return CopyState.PENDING;
  }

  /**
   * A source's problems for {@code secret}, as the kubelet will read it: type, data key, base64,
   * JSON, each auths entry, and keys that cover every registry the pull secret is bound to.
   */
  static List<Problem> problems(Secret source, PullSecret secret) {
    return PullSecretCheck.of(source.getType(), source.getData(), secret.registries()).problems();
  }

  static boolean isPullSecretType(Secret source) {
    return PULL_SECRET_TYPES.contains(source.getType());
  }

  /** Current when it was made from this source's content and nobody has edited it since. */
  private static boolean isCurrent(ObservedCopy copy, String sourceHash, SecretSource source) {
    return sourceHash.equals(copy.hashMark())
        && source.toString().equals(copy.sourceMark())
        && sourceHash.equals(copy.contentHash());
  }

  static Secret copyOf(Secret source, PullSecret secret, String namespace) {
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(secret.name())
                .withNamespace(namespace)
                .addToLabels(CopyMarks.MANAGED_BY_LABEL, CopyMarks.MANAGED_BY)
                .addToAnnotations(CopyMarks.SOURCE_ANNOTATION, secret.source().toString())
                .addToAnnotations(CopyMarks.HASH_ANNOTATION, CopyMarks.contentHash(source))
                .build())
        .withType(source.getType())
        .withData(source.getData() == null ? Map.of() : Map.copyOf(source.getData()))
        .build();
  }
}
