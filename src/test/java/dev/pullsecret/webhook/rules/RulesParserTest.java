package dev.pullsecret.webhook.rules;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RulesParserTest {

  private static final String INVALID = "rules/invalid/";

  @Test
  void shippedExampleIsValid() throws IOException {
    String text = Files.readString(Path.of("examples/rules.yaml"));

    Rules rules = RulesParser.parse(text, "examples/rules.yaml");

    assertThat(rules.pullSecrets()).extracting(PullSecret::name).contains("dockerhub-creds");
    assertThat(rules.forNamespace("team-a-dev")).map(NamespaceRule::name).hasValue("team-a");
    assertThat(rules.forNamespace("team-a-sandbox")).map(NamespaceRule::name).hasValue("everyone");
    assertThat(rules.forNamespace("kube-system")).isEmpty();
    assertThat(rules.forNamespace("airgapped").orElseThrow().pullSecrets()).isEmpty();
  }

  @Test
  void readsSourcesWithTheWebhookNamespaceAsDefault() {
    String text =
        """
        pullSecrets:
          - name: hub
            source: platform/dockerhub-creds
          - name: own
            source: own-creds
          - name: by-hand
        rules:
          - name: all
            namespaces: ["*"]
            pullSecrets: [hub, own, by-hand]
        """;

    Rules rules = RulesParser.parse(text, "rules.yaml");

    assertThat(rules.pullSecrets())
        .extracting(PullSecret::source)
        .containsExactly(
            new SecretSource("platform", "dockerhub-creds"),
            new SecretSource(null, "own-creds"),
            null);
    assertThat(rules.pullSecrets().get(1).source().in("webhook"))
        .isEqualTo(new SecretSource("webhook", "own-creds"));
    assertThat(rules.pullSecrets().get(2).isDelivered()).isFalse();
  }

  @Test
  void aPullSecretWithAProviderIsDeliveredFromTheSecretTheWebhookGenerates() {
    String text =
        """
        pullSecrets:
          - name: ecr-creds
            provider: ecr-credential-provider
            registries: [123456789012.dkr.ecr.eu-west-1.amazonaws.com, "registry.corp:5000/team"]
        rules:
          - name: all
            namespaces: ["*"]
            pullSecrets: [ecr-creds]
        """;

    PullSecret ecr = RulesParser.parse(text, "rules.yaml").pullSecrets().getFirst();

    assertThat(ecr.provider()).isEqualTo("ecr-credential-provider");
    assertThat(ecr.hasProvider()).isTrue();
    assertThat(ecr.isDelivered()).isTrue();
    assertThat(ecr.inNamespace("webhook").source())
        .isEqualTo(new SecretSource("webhook", "ecr-creds-provider"));
    assertThat(ecr.inNamespace("webhook").provider()).isEqualTo("ecr-credential-provider");
  }

  static Stream<String> invalidFiles() throws IOException, URISyntaxException {
    Path dir = Path.of(RulesParserTest.class.getResource("/" + INVALID).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  /**
   * Each file says what must be reported in {@code # expect: LINE:COLUMN: PATH: MESSAGE} lines;
   * every expected error must be reported, and nothing else.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void refusesInvalidFileWithEveryErrorLocated(String file) {
    String text = new String(resource(INVALID + file), StandardCharsets.UTF_8);
    List<String> expected =
        text.lines()
            .filter(l -> l.startsWith("# expect: "))
            .map(l -> l.substring("# expect: ".length()))
            .toList();
    if (text.isEmpty()) {
      expected = List.of("the rules file is empty");
    }

    var error =
        catchThrowableOfType(
            InvalidRulesException.class, () -> RulesParser.parse(text, "rules.yaml"));

    assertThat(error).as("refused").isNotNull();
    List<String> reported = error.errors().stream().map(e -> e.format("rules.yaml")).toList();
    assertThat(reported).hasSameSizeAs(expected);
    for (String want : expected) {
      String prefix = Character.isDigit(want.charAt(0)) ? "rules.yaml:" : "";
      assertThat(reported).anySatisfy(r -> assertThat(r).contains(prefix + want));
    }
    assertThat(error.getMessage()).startsWith("rules refused (");
  }

  @Test
  void refusesFileOverTheSizeLimit() {
    String huge = "rules: []\n" + "#".repeat(RulesParser.MAX_CHARACTERS);

    var error =
        catchThrowableOfType(
            InvalidRulesException.class, () -> RulesParser.parse(huge, "rules.yaml"));

    assertThat(error.getMessage()).contains("file too large");
  }

  @Test
  void acceptsRuleWithoutSecretsAsAnOptOut() {
    Rules rules = RulesParser.parse("rules: [{namespaces: [quiet]}]", "rules.yaml");

    assertThat(rules.forNamespace("quiet")).map(NamespaceRule::name).hasValue("rules[0]");
  }

  @Test
  void readsDigestResolutionWithItsRegistriesAndFailureChoice() {
    Rules rules =
        RulesParser.parse(
            """
            rules:
              - namespaces: [pinned]
                images:
                  resolveDigests:
                    registries: ["registry.corp:5000", "*.pkg.dev"]
                    onFailure: deny
              - namespaces: [everything]
                images:
                  resolveDigests: {}
            """,
            "rules.yaml");

    var pinned = rules.forNamespace("pinned").orElseThrow().images().resolveDigests().orElseThrow();
    assertThat(pinned.registries()).hasToString("[registry.corp:5000, *.pkg.dev]");
    assertThat(pinned.denyOnFailure()).isTrue();
    var everything =
        rules.forNamespace("everything").orElseThrow().images().resolveDigests().orElseThrow();
    assertThat(everything.registries()).isEmpty();
    assertThat(everything.denyOnFailure()).isFalse();
  }
}
