package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.PullSecretWebhookApplication;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.providers.InvalidProviderConfigException;
import dev.pullsecret.webhook.testing.Management;
import dev.pullsecret.webhook.testing.StubCredentialProvider;
import dev.pullsecret.webhook.testing.TestServerFiles;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring wiring of credential providers: off without a config; on, the leader runs the stub
 * plugin and the sync loop delivers what it gave; a config that cannot work stops the start-up.
 */
class CredentialProvidersWiringIT {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-providers");

  @Test
  void refusesToStartWithoutSecretDelivery() {
    Throwable failure = start(Map.of("webhook.credential-providers.config", "/config.yaml"));

    assertThat(root(failure))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "webhook.credential-providers.config needs webhook.sync.enabled=true");
  }

  @Test
  void refusesToStartOnAnInvalidConfigWithEveryErrorLocated() throws IOException {
    Path config = FILES.dir().resolve("invalid-providers.yaml");
    Files.write(config, resource("providers/invalid/kubelet-checks.yaml"));

    Throwable failure =
        start(
            Map.of(
                "webhook.sync.enabled", "true",
                "webhook.credential-providers.config", config.toString(),
                "webhook.credential-providers.bin-dir", FILES.dir().toString()));

    assertThat(root(failure))
        .isInstanceOf(InvalidProviderConfigException.class)
        .hasMessageContaining(config + ":14:11: providers[0].name")
        .hasMessageStartingWith("credential provider config refused (10 errors)");
  }

  private static Throwable root(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }

  private static Throwable start(Map<String, String> settings) {
    Map<String, Object> properties = new HashMap<>(settings);
    FILES.properties(properties::put);
    properties.put("server.port", "0");
    properties.put("webhook.warm-up", "false");
    String[] args =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return catchThrowable(
        () -> new SpringApplicationBuilder(PullSecretWebhookApplication.class).run(args).close());
  }

  @Nested
  @SpringBootTest(
      webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
      properties = {"webhook.sync.enabled=true", "webhook.sync.namespace=" + SyncFixture.OWN})
  @DirtiesContext
  class WhenOn {

    static final FaultyApiServer SERVER = new FaultyApiServer();
    static final KubernetesClient ADMIN = SERVER.newClient();
    static final StubCredentialProvider STUB =
        StubCredentialProvider.install(FILES.dir().resolve("bin"), "stub-provider");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
      FILES.properties((name, value) -> registry.add(name, () -> value));
      FILES.writeRules(resource("delivery/provider-rules.yaml"));
      Path config = FILES.dir().resolve("providers.yaml");
      Files.writeString(config, STUB.config("registry.test:5000", "1h", Map.of()));
      registry.add("webhook.credential-providers.config", config::toString);
      registry.add("webhook.credential-providers.bin-dir", () -> STUB.binDir().toString());
      System.setProperty("kubernetes.master", ADMIN.getConfiguration().getMasterUrl());
      System.setProperty("kubernetes.auth.tryKubeConfig", "false");
      System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    }

    @AfterAll
    static void stopServer() {
      System.clearProperty("kubernetes.master");
      System.clearProperty("kubernetes.auth.tryKubeConfig");
      System.clearProperty("kubernetes.auth.tryServiceAccount");
    }

    @Autowired ApplicationContext context;
    @LocalManagementPort int managementPort;

    @Test
    void theLeaderRunsThePluginAndTheLoopDeliversWhatItGave() throws Exception {
      assertThat(context.getBeansOfType(CredentialProviders.class)).hasSize(1);

      SyncFixture.createNamespaceAndAwaitCopy(
          ADMIN, "team-a", "stub-creds", Duration.ofSeconds(20));

      assertThat(ADMIN.secrets().inNamespace(SyncFixture.OWN).withName("stub-creds-provider").get())
          .isNotNull();
      await()
          .until(
              () ->
                  Management.scrape(managementPort)
                      .contains(
                          "pullsecret_provider_runs_total{provider=\"stub-provider\",result=\"success\"} 1.0"));
      assertThat(Management.scrape(managementPort))
          .contains(
              "pullsecret_provider_runs_total{provider=\"stub-provider\",result=\"timeout\"} 0.0")
          .contains("pullsecret_provider_credentials_remaining_seconds{pull_secret=\"stub-creds\"}")
          .contains(
              "pullsecret_provider_credentials_lifetime_seconds{pull_secret=\"stub-creds\"} 3600.0");
    }
  }
}
