package dev.pullsecret.webhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.credentials.Problem.Code;
import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.image.RegistryPattern;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Checks of a pull secret's source content, from the cases of {@code credentials/sources.json}: a
 * Secret's type, its data (a JSON value is the content, a string its text, {@code base64:...} the
 * data value as is) and bound registries, and the problem codes expected, in order. Every password
 * in the cases contains {@code HUNTER2} and every username {@code alice}.
 */
class DockerConfigSourceTest {

  record Case(
      String type,
      Map<String, String> data,
      List<RegistryPattern> registries,
      List<String> problems,
      List<String> secrets) {}

  static Stream<Named<Case>> cases() throws IOException {
    JsonNode cases;
    try (InputStream in =
        DockerConfigSourceTest.class.getResourceAsStream("/credentials/sources.json")) {
      cases = Configs.JSON.readTree(in);
    }
    List<Named<Case>> named = new ArrayList<>();
    for (JsonNode c : cases) {
      Map<String, String> data = null;
      List<String> secrets = new ArrayList<>(List.of("HUNTER2", "alice"));
      if (!c.get("data").isNull()) {
        data = new LinkedHashMap<>();
        for (var entry : c.get("data").properties()) {
          data.put(entry.getKey(), dataValue(entry.getValue()));
        }
        collectAuths(c.get("data"), secrets);
      }
      named.add(
          Named.of(
              c.get("name").asString(),
              new Case(
                  c.get("type").isNull() ? null : c.get("type").asString(),
                  data,
                  c.get("registries")
                      .valueStream()
                      .map(r -> RegistryPattern.parse(r.asString()))
                      .toList(),
                  c.get("problems").valueStream().map(JsonNode::asString).toList(),
                  secrets)));
    }
    return named.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sourceContentGivesTheExpectedProblems(Case c) {
    PullSecretCheck check = PullSecretCheck.of(c.type(), c.data(), c.registries());

    assertThat(check.problems())
        .extracting(p -> p.code().name())
        .containsExactlyElementsOf(c.problems());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void noCredentialAppearsInAnyMessageOrToString(Case c) {
    PullSecretCheck check = PullSecretCheck.of(c.type(), c.data(), c.registries());

    List<String> texts = new ArrayList<>();
    check.problems().forEach(p -> texts.add(p.toString()));
    texts.add(check.toString());
    texts.add(check.config().toString());
    check.config().credentials().forEach(credential -> texts.add(credential.toString()));
    for (String text : texts) {
      for (String secret : c.secrets()) {
        assertThat(text).doesNotContainIgnoringCase(secret);
      }
      assertThat(text).hasSizeLessThan(2000);
    }
  }

  @Test
  void authFieldWinsOverUsernameAndPassword() {
    String auth =
        Base64.getEncoder()
            .encodeToString("from-auth:HUNTER2-auth".getBytes(StandardCharsets.UTF_8));
    PullSecretCheck check =
        Configs.decoded(
            """
            {"auths": {"ghcr.io": {"username": "u", "password": "HUNTER2", "auth": "%s"}}}
            """
                .formatted(auth));

    RegistryCredential credential =
        check.config().credentialFor(ImageReference.parse("ghcr.io/a")).orElseThrow();

    assertThat(credential.username()).isEqualTo("from-auth");
    assertThat(credential.password()).isEqualTo("HUNTER2-auth");
  }

  @Test
  void contentOverOneMebibyteIsRefusedBeforeParsing() {
    byte[] big = new byte[PullSecretCheck.MAX_CONTENT_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');

    PullSecretCheck decoded =
        PullSecretCheck.ofDecoded(
            PullSecretCheck.DOCKER_CONFIG_JSON, Map.of(".dockerconfigjson", big), List.of());
    PullSecretCheck encoded =
        PullSecretCheck.of(
            PullSecretCheck.DOCKER_CONFIG_JSON,
            Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(big)),
            List.of());

    assertThat(decoded.problems()).extracting(Problem::code).containsExactly(Code.TOO_LARGE);
    assertThat(encoded.problems()).extracting(Problem::code).containsExactly(Code.TOO_LARGE);
  }

  @Test
  void absurdNumberOfEntriesIsRefusedWithoutReadingThem() {
    StringBuilder json = new StringBuilder("{\"auths\": {");
    for (int i = 0; i <= PullSecretCheck.MAX_ENTRIES; i++) {
      json.append(i == 0 ? "" : ",").append("\"r").append(i).append(".example.com\": {}");
    }
    PullSecretCheck check = Configs.decoded(json.append("}}").toString());

    assertThat(check.problems()).extracting(Problem::code).containsExactly(Code.TOO_MANY_ENTRIES);
    assertThat(check.config().isEmpty()).isTrue();
  }

  @Test
  void deeplyNestedContentIsReportedNotThrown() {
    String json = "{\"auths\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";

    assertThat(Configs.decoded(json).problems())
        .extracting(Problem::code)
        .containsExactly(Code.NOT_JSON);
  }

  @Test
  void warningsAloneLeaveTheSecretValid() {
    PullSecretCheck check =
        Configs.decoded(
            "{\"auths\": {\"gcr.io\": {\"username\": \"oauth2accesstoken\", \"password\": \"t\"}}}");

    assertThat(check.problems()).noneMatch(Problem::isError);
    assertThat(check.problems()).extracting(Problem::code).contains(Code.SHORT_LIVED_TOKEN);
  }

  private static String dataValue(JsonNode value) {
    if (value.isString() && value.asString().startsWith("base64:")) {
      return value.asString().substring("base64:".length());
    }
    String text = value.isString() ? value.asString() : value.toString();
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The values of auth, password and identitytoken fields, which must never be shown either. */
  private static void collectAuths(JsonNode node, List<String> secrets) {
    if (node.isString() && node.asString().startsWith("{")) {
      try {
        collectAuths(Configs.JSON.readTree(node.asString()), secrets);
      } catch (RuntimeException notJson) {
        // a string that only looks like JSON
      }
    }
    for (var entry : node.properties()) {
      JsonNode value = entry.getValue();
      if (value.isString()
          && List.of("auth", "password", "identitytoken")
              .contains(entry.getKey().toLowerCase(java.util.Locale.ROOT))) {
        secrets.add(value.asString().strip());
      }
      collectAuths(value, secrets);
    }
    if (node.isArray()) {
      node.forEach(element -> collectAuths(element, secrets));
    }
  }
}
