package dev.pullsecret.webhook.delivery;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.delivery.SyncCaches.ObservedCopy;
import dev.pullsecret.webhook.image.RegistryPattern;
import dev.pullsecret.webhook.rules.PullSecret;
import dev.pullsecret.webhook.rules.SecretSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

class CopyPlanTest {

  static final SecretSource SOURCE = new SecretSource("platform", "dockerhub-creds");
  static final PullSecret SECRET =
      new PullSecret("dockerhub-creds", List.of(RegistryPattern.parse("docker.io")), SOURCE, null);

  record Case(
      String name,
      String source,
      String copy,
      boolean wanted,
      boolean forbidden,
      List<String> actions,
      String state) {
    @Override
    public String toString() {
      return name;
    }
  }

  @SuppressWarnings("unchecked")
  static Stream<Case> cases() {
    List<Map<String, Object>> rows =
        new Yaml().load(new String(resource("delivery/plans.yaml"), StandardCharsets.UTF_8));
    return rows.stream()
        .map(
            r -> {
              var expect = (Map<String, Object>) r.get("expect");
              return new Case(
                  (String) r.get("case"),
                  (String) r.get("source"),
                  (String) r.get("copy"),
                  (Boolean) r.getOrDefault("wanted", true),
                  (Boolean) r.getOrDefault("forbidden", false),
                  (List<String>) expect.get("actions"),
                  (String) expect.get("state"));
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plansTheWritesThatConverge(Case c) {
    Optional<Secret> source = Optional.ofNullable(source(c.source()));
    Map<String, ObservedCopy> ours = new HashMap<>();
    Secret copy = copy(c.copy());
    if (copy != null) {
      ours.put(SECRET.name(), ObservedCopy.of(copy));
    }

    CopyPlan plan =
        CopyPlan.of(
            "team-a",
            c.wanted() ? List.of(SECRET) : List.of(),
            ref -> ref.equals(SOURCE) ? source : Optional.empty(),
            ours,
            secret -> c.forbidden());

    assertThat(plan.actions().stream().map(CopyPlanTest::kind))
        .containsExactlyElementsOf(c.actions());
    assertThat(plan.actions())
        .filteredOn(CopyPlan.Delete.class::isInstance)
        .allSatisfy(d -> assertThat(((CopyPlan.Delete) d).resourceVersion()).isEqualTo("7"));
    assertThat(Optional.ofNullable(plan.states().get(SECRET.name())).map(CopyState::label))
        .isEqualTo(c.state().equals("none") ? Optional.empty() : Optional.of(c.state()));
    assertConverges(plan, source, ours, c);
  }

  /** Applying the plan and planning again plans nothing: reconciles are idempotent. */
  private static void assertConverges(
      CopyPlan plan, Optional<Secret> source, Map<String, ObservedCopy> ours, Case c) {
    Map<String, ObservedCopy> after = new HashMap<>(ours);
    for (CopyPlan.Action action : plan.actions()) {
      switch (action) {
        case CopyPlan.Create create -> after.put(create.name(), ObservedCopy.of(create.copy()));
        case CopyPlan.Update update -> after.put(update.name(), ObservedCopy.of(update.copy()));
        case CopyPlan.Delete delete -> after.remove(delete.name());
      }
    }
    CopyPlan again =
        CopyPlan.of(
            "team-a",
            c.wanted() ? List.of(SECRET) : List.of(),
            ref -> source,
            after,
            secret -> c.forbidden());
    assertThat(again.actions()).as("second plan").isEmpty();
  }

  private static String kind(CopyPlan.Action action) {
    return switch (action) {
      case CopyPlan.Create ignored -> "create";
      case CopyPlan.Update ignored -> "update";
      case CopyPlan.Delete ignored -> "delete";
    };
  }

  static Secret source(String kind) {
    return switch (kind) {
      case "absent" -> null;
      case "valid" ->
          pullSecret(
              "kubernetes.io/dockerconfigjson",
              ".dockerconfigjson",
              DockerConfigs.json("v1", false));
      case "valid-v2" ->
          pullSecret(
              "kubernetes.io/dockerconfigjson",
              ".dockerconfigjson",
              DockerConfigs.json("v2", false));
      case "dockercfg" ->
          pullSecret("kubernetes.io/dockercfg", ".dockercfg", DockerConfigs.json("v1", true));
      case "other-registry" ->
          pullSecret(
              "kubernetes.io/dockerconfigjson",
              ".dockerconfigjson",
              "{\"auths\":{\"quay.io\":{\"auth\":\"" + encode("robot:v1") + "\"}}}");
      case "broken" -> pullSecret("kubernetes.io/dockerconfigjson", ".other", "v1");
      case "opaque" -> pullSecret("Opaque", "password", "v1");
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static Secret copy(String kind) {
    return switch (kind) {
      case "none" -> null;
      case "current" -> made(source("valid"), SECRET);
      case "current-broken" -> made(source("broken"), SECRET);
      case "current-other-registry" -> made(source("other-registry"), SECRET);
      case "edited" -> {
        Secret copy = made(source("valid"), SECRET);
        copy.getData().put(".dockerconfigjson", encode("by hand"));
        yield copy;
      }
      case "immutable" -> {
        Secret copy = made(source("valid"), SECRET);
        copy.setImmutable(true);
        yield copy;
      }
      case "other-source" ->
          made(
              source("valid"),
              new PullSecret(
                  SECRET.name(), SECRET.registries(), new SecretSource("old", "creds"), null));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static Secret made(Secret source, PullSecret secret) {
    Secret copy = CopyPlan.copyOf(source, secret, "team-a");
    copy.getMetadata().setResourceVersion("7");
    copy.setData(new HashMap<>(copy.getData()));
    return copy;
  }

  static Secret pullSecret(String type, String key, String content) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(SOURCE.namespace())
        .withName(SOURCE.name())
        .endMetadata()
        .withType(type)
        .withData(new HashMap<>(Map.of(key, encode(content))))
        .build();
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
