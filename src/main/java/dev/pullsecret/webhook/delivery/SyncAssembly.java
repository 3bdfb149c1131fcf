package dev.pullsecret.webhook.delivery;

import dev.pullsecret.webhook.admission.NamespaceLabelSource;
import dev.pullsecret.webhook.admission.SecretPresence;
import dev.pullsecret.webhook.registry.RegistryCredentials;
import dev.pullsecret.webhook.rules.NamespaceScope;
import dev.pullsecret.webhook.rules.RulesStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;

/**
 * The sync loop assembled from its parts, for the Spring wiring and the tests alike; what other
 * features read of it (recovery) through its public methods.
 *
 * @param sync the loop (start it, close it)
 * @param presence admission's view of the copies
 * @param labels admission's (and recovery's) view of the namespaces' labels: from the namespace
 *     watch, read once on a miss; closed with the context
 * @param credentials digest lookups' view of the delivered pull secrets' content
 * @param events the loop's Events, for the parts that plug into it (credential providers, recovery)
 * @param metrics the loop's metrics, likewise
 */
public record SyncAssembly(
    SecretSync sync,
    SecretPresence presence,
    NamespaceLabelSource labels,
    RegistryCredentials credentials,
    SyncEvents events,
    SyncMetrics metrics) {

  /** Whether this replica leads the sync loop (only the leader writes). */
  public boolean isLeader() {
    return sync.isLeader();
  }

  /** Whether our copy {@code name} is in {@code namespace}, as the watches last saw. */
  public boolean hasCopy(String namespace, String name) {
    return sync.caches().hasCopy(namespace, name);
  }

  static SyncAssembly build(
      KubernetesClient client,
      RulesStore rules,
      NamespaceScope scope,
      SyncProperties settings,
      MeterRegistry registry,
      Clock clock) {
    String identity = identity(settings);
    var states = new CopyStates();
    var metrics = new SyncMetrics(registry, states);
    var events = new SyncEvents(client, identity, clock);
    var desired = new DesiredCopies(rules, scope, settings.namespace());
    var sync =
        new SecretSync(
            client,
            settings,
            new Leadership(client, settings, identity),
            new SourceReporter(events, metrics),
            new NamespaceReconciler(desired, client, events, states, metrics));
    var presence = new CachedSecretPresence(sync.caches(), settings.namespace(), states, metrics);
    var labels =
        new ClusterNamespaceLabels(sync.caches(), client, settings.namespaceReadBudget(), registry);
    var credentials =
        new SourceCredentials(() -> desired.delivered(desired.rules()), sync.caches()::source)
            .credentials();
    return new SyncAssembly(sync, presence, labels, credentials, events, metrics);
  }

  /** This replica's name in the Lease and its Events: the setting, else the pod's name. */
  private static String identity(SyncProperties settings) {
    if (!settings.identity().isBlank()) {
      return settings.identity();
    }
    String host = System.getenv("HOSTNAME");
    return host != null && !host.isBlank() ? host : "pullsecret-webhook-" + UUID.randomUUID();
  }
}
