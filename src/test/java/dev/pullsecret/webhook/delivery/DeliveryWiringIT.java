package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pullsecret.webhook.admission.AdmissionHandler;
import dev.pullsecret.webhook.providers.CredentialProviders;
import dev.pullsecret.webhook.testing.Management;
import dev.pullsecret.webhook.testing.TestServerFiles;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Spring wiring of delivery: nothing of it when off; the whole loop when on. */
class DeliveryWiringIT {

  private static final TestServerFiles FILES = TestServerFiles.create("pullsecret-delivery");

  @Nested
  @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
  class WhenOff {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
      FILES.properties((name, value) -> registry.add(name, () -> value));
    }

    @Autowired ApplicationContext context;

    @Test
    void createsNoKubernetesClientAndServesAdmission() {
      assertThat(context.getBeanNamesForType(KubernetesClient.class)).isEmpty();
      assertThat(context.getBeanNamesForType(SecretSync.class)).isEmpty();
      assertThat(context.getBeanNamesForType(CredentialProviders.class)).isEmpty();
      assertThat(context.getBean(AdmissionHandler.class)).isNotNull();
    }
  }

  @Nested
  @SpringBootTest(
      webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
      properties = {
        "webhook.sync.enabled=true",
        "webhook.sync.namespace=pullsecret-webhook",
        "webhook.sync.rules-config-map=rules"
      })
  @DirtiesContext
  class WhenOn {

    static final FaultyApiServer SERVER = new FaultyApiServer();
    static final KubernetesClient ADMIN = SERVER.newClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
      FILES.properties((name, value) -> registry.add(name, () -> value));
      FILES.writeRules(resource("delivery/rules.yaml"));
      // fabric8 reads its configuration from system properties first.
      System.setProperty("kubernetes.master", ADMIN.getConfiguration().getMasterUrl());
      System.setProperty("kubernetes.auth.tryKubeConfig", "false");
      System.setProperty("kubernetes.auth.tryServiceAccount", "false");
      ADMIN
          .secrets()
          .inNamespace("pullsecret-webhook")
          .resource(
              SyncFixture.source(
                  "pullsecret-webhook", "dockerhub-creds", "kubernetes.io/dockerconfigjson", "v1"))
          .create();
    }

    @AfterAll
    static void stopServer() {
      System.clearProperty("kubernetes.master");
      System.clearProperty("kubernetes.auth.tryKubeConfig");
      System.clearProperty("kubernetes.auth.tryServiceAccount");
      // The server stays up until the JVM exits: the context closes after this method.
    }

    @LocalManagementPort int managementPort;

    @Test
    void copiesIntoNewNamespacesAndExportsTheMetrics() throws Exception {
      SyncFixture.createNamespaceAndAwaitCopy(
          ADMIN, "team-a", "dockerhub-creds", Duration.ofSeconds(10));
      await()
          .until(
              () ->
                  Management.scrape(managementPort)
                      .contains("pullsecret_secret_copies{state=\"synced\"} 1.0"));
      assertThat(Management.scrape(managementPort))
          .contains("pullsecret_secret_sync_errors_total")
          .contains("pullsecret_secret_sync_seconds_count")
          .contains("pullsecret_secret_copies{state=\"conflict\"} 0.0");
    }

    @Test
    void readinessDoesNotDependOnTheApiServer() throws Exception {
      var down = SERVER.inject(FaultyApiServer.any(), 503, -1);
      try {
        var response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://localhost:"
                                    + managementPort
                                    + "/actuator/health/readiness"))
                        .build(),
                    BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      } finally {
        SERVER.remove(down);
      }
    }
  }
}
