package dev.pullsecret.webhook.delivery;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * The calls the sync loop makes to write copies: an interface so that tests can inject what a fake
 * API server cannot show (409 on update, 403, time-outs). Failures are {@code
 * KubernetesClientException}s carrying the HTTP status.
 */
interface SecretWrites {

  void create(Secret secret);

  /** Fails with 409 when the copy changed since {@code secret}'s resourceVersion was read. */
  void update(Secret secret);

  void delete(String namespace, String name);

  /** One GET of one name: how a create that found the name taken learns whose it is. */
  Optional<Secret> get(String namespace, String name);

  static SecretWrites of(KubernetesClient client) {
    return new SecretWrites() {
      @Override
      public void create(Secret secret) {
        client.secrets().inNamespace(namespace(secret)).resource(secret).create();
      }

      @Override
      public void update(Secret secret) {
        client.secrets().inNamespace(namespace(secret)).resource(secret).update();
      }

      @Override
      public void delete(String namespace, String name) {
        client.secrets().inNamespace(namespace).withName(name).delete();
      }

      @Override
      public Optional<Secret> get(String namespace, String name) {
        return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
      }

      private static String namespace(Secret secret) {
        return secret.getMetadata().getNamespace();
      }
    };
  }
}
