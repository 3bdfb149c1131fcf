package dev.pullsecret.webhook.delivery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Secret delivery settings ({@code webhook.sync.*}), with their defaults in {@code
 * application.properties}. Off by default so that a local run needs no cluster; the chart turns it
 * on (both say why).
 *
 * @param enabled copy source Secrets into the namespaces the rules cover, and watch the rules
 *     ConfigMap
 * @param namespace the webhook's own namespace: default namespace of sources, home of the Lease and
 *     the rules ConfigMap
 * @param rulesConfigMap the ConfigMap holding the rules file, watched through the API ({@link
 *     DeliveryConfiguration#watchRules}); empty to only read the file
 * @param rulesConfigMapKey the key of the rules file in that ConfigMap
 * @param workers how many namespaces are reconciled at once (bounds the write load)
 * @param resync how often every namespace is reconciled again, whatever the events said
 * @param retryBaseDelay first back-off after a failed reconcile; doubles on each failure
 * @param retryMaxDelay cap of that back-off
 * @param leaseName the Lease that elects the one replica that writes
 * @param leaseDuration how long a leader's claim holds without renewal (fail-over time)
 * @param renewDeadline how long the leader keeps trying to renew before it stops writing
 * @param retryPeriod how often candidates try to acquire or renew
 * @param identity this replica's name in the Lease (the pod name in the chart)
 * @param namespaceReadBudget the longest a review waits for one read of its namespace's labels when
 *     the watch lacks them ({@link NamespaceWatch}), well inside the registration's timeoutSeconds
 */
@ConfigurationProperties(SyncProperties.PREFIX)
public record SyncProperties(
    boolean enabled,
    String namespace,
    String rulesConfigMap,
    String rulesConfigMapKey,
    int workers,
    Duration resync,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    String leaseName,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    String identity,
    Duration namespaceReadBudget) {

  public static final String PREFIX = "webhook.sync";
}
