package dev.pullsecret.webhook.providers;

import dev.pullsecret.webhook.credentials.RegistryCredential;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.providers.PluginFailure.Kind;
import dev.pullsecret.webhook.text.Text;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured providers, each with its one {@link ProviderPlugin} (so each runs at most once at
 * a time), and what a pull secret gets from one: its plugin asked about every registry of the pull
 * secret in turn, the answers merged (entries without credentials left out). Counts every run in
 * {@code pullsecret_provider_runs_total{provider, result}} ({@code success} or the failure's kind),
 * every series there from the start.
 */
public final class CredentialProviders {

  private final Map<String, ProviderPlugin> plugins = new LinkedHashMap<>();
  private final Clock clock;
  private final MeterProvider<Counter> runs;

  public CredentialProviders(
      List<CredentialProvider> providers,
      Path binDir,
      Duration timeout,
      Clock clock,
      MeterRegistry registry) {
    this.clock = clock;
    this.runs =
        Counter.builder("pullsecret.provider.runs")
            .description("Runs of credential provider plugins, by provider and result")
            .withRegistry(registry);
    for (CredentialProvider provider : providers) {
      plugins.put(provider.name(), new ProviderPlugin(provider, binDir, timeout));
      counter(provider.name(), "success");
      for (Kind kind : Kind.values()) {
        counter(provider.name(), kind.label());
      }
    }
  }

  /** How many providers are configured. */
  public int size() {
    return plugins.size();
  }

  /**
   * @throws PluginFailure the first failure (every registry must be answered), its message naming
   *     the provider and the registry
   */
  public ProviderCredentials obtain(String provider, List<RegistryPattern> registries)
      throws PluginFailure {
    ProviderPlugin plugin = plugins.get(provider);
    if (plugin == null) {
      counter(provider, Kind.NOT_CONFIGURED.label()).increment();
      String configured = plugins.isEmpty() ? "none" : String.join(", ", plugins.keySet());
      throw new PluginFailure(
          Kind.NOT_CONFIGURED,
          "no provider %s in the credential provider config (it has %s)"
              .formatted(Text.quote(provider), configured));
    }
    Instant obtainedAt = clock.instant();
    Map<String, RegistryCredential> auth = new LinkedHashMap<>();
    Duration lifetime = null;
    boolean notToKeep = false;
    for (RegistryPattern registry : registries) {
      PluginResponse.Answer answer;
      try {
        answer = plugin.ask(registry);
      } catch (PluginFailure failure) {
        counter(provider, failure.kind().label()).increment();
        throw new PluginFailure(
            failure.kind(),
            "provider " + provider + ", asked about " + registry + ": " + failure.getMessage());
      }
      counter(provider, "success").increment();
      for (RegistryCredential credential : answer.auth()) {
        // An entry without credentials means "anonymous" (Azure's plugin adds *.azurecr.* so):
        // what a pull without a secret does anyway, and an error in a pull secret's checks.
        if (!credential.isEmpty()) {
          auth.putIfAbsent(credential.key(), credential);
        }
      }
      Duration lasts = answer.lifetime();
      if (lasts.isZero()) { // not to be kept: no lifetime, and it must not hide another's
        notToKeep = true;
      } else if (lifetime == null || lasts.compareTo(lifetime) < 0) {
        lifetime = lasts;
      }
    }
    return new ProviderCredentials(
        List.copyOf(auth.values()),
        obtainedAt,
        lifetime == null ? Duration.ZERO : lifetime,
        notToKeep);
  }

  private Counter counter(String provider, String result) {
    return runs.withTags("provider", provider, "result", result);
  }
}
