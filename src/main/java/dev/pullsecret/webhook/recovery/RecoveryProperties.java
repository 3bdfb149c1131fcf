package dev.pullsecret.webhook.recovery;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Recovery of pods admitted without their pull secrets ({@code webhook.recovery.*}), run by the
 * sync loop's leader, so only with {@code webhook.sync.enabled}; defaults in {@code
 * application.properties} (docs/secret-delivery.md, "Pods admitted without their secrets").
 *
 * @param mode {@code off}; {@code report}: an Event on each such pod, a metric, {@code doctor}
 *     lists them; {@code evict}: also evict those a controller owns, so that it recreates them with
 *     their secrets
 * @param evictionsPerMinute the most evictions a minute, whatever fails at once
 */
@ConfigurationProperties("webhook.recovery")
public record RecoveryProperties(Mode mode, int evictionsPerMinute) {

  /** What recovery does with a pod stuck for lack of a pull secret. */
  public enum Mode {
    OFF,
    REPORT,
    EVICT
  }
}
