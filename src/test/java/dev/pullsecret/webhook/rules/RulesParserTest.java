package dev.pullsecret.webhook.rules;

import static dev.pullsecret.webhook.testing.Reviews.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pullsecret.webhook.testing.FailureAnalyses;
import dev.pullsecret.webhook.testing.RefusedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.diagnostics.FailureAnalysis;

class RulesParserTest {

  private static final String INVALID = "rules/invalid/";

  @Test
  void shippedExampleIsValid() throws IOException {
    String text = Files.readString(Path.of("examples/rules.yaml"));

    Rules rules = RulesParser.parse(text, "examples/rules.yaml");

    assertThat(rules.pullSecrets()).extracting(PullSecret::name).contains("dockerhub-creds");
    assertThat(rules.forNamespace("team-a-dev", NamespaceLabels.NONE))
        .map(match -> match.rule().name())
        .hasValue("team-a");
    assertThat(rules.forNamespace("team-a-sandbox", NamespaceLabels.NONE))
        .map(match -> match.rule().name())
        .hasValue("everyone");
    assertThat(rules.forNamespace("kube-system", NamespaceLabels.NONE)).isEmpty();
    assertThat(
            rules
                .forNamespace("airgapped", NamespaceLabels.NONE)
                .orElseThrow()
                .rule()
                .pullSecrets())
        .isEmpty();
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

  static Stream<String> invalidFiles() {
    return RefusedFiles.in(INVALID);
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
        text.isEmpty() ? List.of("the rules file is empty") : RefusedFiles.expected(text);

    var error =
        catchThrowableOfType(
            InvalidRulesException.class, () -> RulesParser.parse(text, "rules.yaml"));

    RefusedFiles.assertReportedExactly(error, expected, "rules");
  }

  @Test
  void refusesFileOverTheSizeLimit() {
    String huge = "rules: []\n" + "#".repeat(RulesParser.MAX_CHARACTERS);

    var error =
        catchThrowableOfType(
            InvalidRulesException.class, () -> RulesParser.parse(huge, "rules.yaml"));

    assertThat(error.getMessage()).contains("file too large");
  }

  /** YAML 1.1 booleans, as kubectl and Helm read them: {@code yes} is not silently false. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "true,true",
    "True,true",
    "yes,true",
    "on,true",
    "false,false",
    "no,false",
    "OFF,false"
  })
  void readsEveryYamlBooleanAsKubectlDoes(String written, boolean read) {
    Rules rules =
        RulesParser.parse(
            """
            rules:
              - name: policy
                namespaces: [policy]
                images:
                  imagePullPolicy: {set: Never, includeDigestPinned: %s}
            """
                .formatted(written),
            "booleans.yaml");

    assertThat(
            rules.rules().getFirst().images().imagePullPolicy().orElseThrow().includeDigestPinned())
        .isEqualTo(read);
  }

  @Test
  void acceptsRuleWithoutSecretsAsAnOptOut() {
    Rules rules = RulesParser.parse("rules: [{namespaces: [quiet]}]", "rules.yaml");

    assertThat(rules.forNamespace("quiet", NamespaceLabels.NONE))
        .map(match -> match.rule().name())
        .hasValue("rules[0]");
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

    var pinned =
        rules
            .forNamespace("pinned", NamespaceLabels.NONE)
            .orElseThrow()
            .rule()
            .images()
            .resolveDigests()
            .orElseThrow();
    assertThat(pinned.registries()).hasToString("[registry.corp:5000, *.pkg.dev]");
    assertThat(pinned.denyOnFailure()).isTrue();
    var everything =
        rules
            .forNamespace("everything", NamespaceLabels.NONE)
            .orElseThrow()
            .rule()
            .images()
            .resolveDigests()
            .orElseThrow();
    assertThat(everything.registries()).isEmpty();
    assertThat(everything.denyOnFailure()).isFalse();
  }

  /** Without cluster access nothing can tell a namespace's labels: such rules are refused. */
  @Test
  void refusesSelectorsWhereNamespaceLabelsCannotBeKnown() {
    String text =
        """
        rules:
          - name: by-label
            namespaceSelector: {matchLabels: {team: payments}}
        """;

    var refused =
        catchThrowableOfType(
            InvalidRulesException.class, () -> RulesParser.parse(text, "rules.yaml", false));

    assertThat(refused.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.format("rules.yaml", ""))
                  .startsWith(
                      "rules.yaml:2:5: rules[0].namespaceSelector: namespaceSelector needs");
              assertThat(e.message()).contains("webhook.sync.enabled=true");
            });
    assertThat(NamespaceScope.EVERYWHERE.labelKeys(RulesParser.parse(text, "rules.yaml", true)))
        .isNotEmpty();
  }

  @Test
  void readsMirrorConditionsAndExclusions() {
    Rules rules =
        RulesParser.parse(
            """
            rules:
              - namespaces: [x]
                images:
                  mirrors:
                    - from: docker.io
                      to: cache.example.com/hub
                      when: present
                      exclude: [docker.io/library/vault, "docker.io/acme"]
                    - {from: docker.io, to: mirror.example.com/hub, when: always}
            """,
            "rules.yaml");

    var mirrors =
        rules.forNamespace("x", NamespaceLabels.NONE).orElseThrow().rule().images().mirrors();
    assertThat(mirrors.get(0).whenPresent()).isTrue();
    assertThat(mirrors.get(0).exclude()).hasToString("[docker.io/library/vault, docker.io/acme]");
    assertThat(mirrors.get(1).whenPresent()).isFalse();
    assertThat(mirrors.get(1).exclude()).isEmpty();
    assertThat(rules.warnings()).isEmpty();
  }

  /** Valid, so the rules load; but an exclusion outside its mirror's 'from' excludes nothing. */
  @Test
  void warnsOfAnExclusionThatNoImageOfTheMirrorCanMatch() {
    Rules rules =
        RulesParser.parse(
            """
            rules:
              - namespaces: [x]
                images:
                  mirrors:
                    - from: docker.io/library
                      to: mirror.example.com/official
                      exclude: [quay.io/acme, docker.io/vault, docker.io/library/vault, docker.io]
                    - {from: "*.gcr.io", to: mirror.example.com/gcr, exclude: ["eu.gcr.io/p"]}
            """,
            "rules.yaml");

    assertThat(rules.warnings())
        .extracting(w -> w.format("rules.yaml", ""))
        .containsExactly(
            "rules.yaml:7:21: rules[0].images.mirrors[0].exclude[0]: excludes nothing: no image"
                + " matched by 'from' (docker.io/library) is matched by quay.io/acme (an exclusion"
                + " names images of 'from', e.g. docker.io/library/app)",
            "rules.yaml:7:35: rules[0].images.mirrors[0].exclude[1]: excludes nothing: no image"
                + " matched by 'from' (docker.io/library) is matched by docker.io/vault (an"
                + " exclusion names images of 'from', e.g. docker.io/library/app)");
  }

  @Test
  void invalidRulesAtStartUpArePrintedWithTheirErrorsInsteadOfAStackTrace() {
    var refused =
        new InvalidRulesException("rules.yaml", List.of(new RulesError("rules", 3, 1, "required")));

    List<FailureAnalysis> analyses = FailureAnalyses.of(refused);

    assertThat(analyses)
        .singleElement()
        .satisfies(
            analysis -> {
              assertThat(analysis.getDescription()).contains("rules.yaml:3:1: rules: required");
              assertThat(analysis.getAction()).contains("validate FILE");
            });
  }

  /**
   * The banded distance of the hints agrees with the whole table wherever it is within its limit.
   */
  @Test
  void hintDistancesAgreeWithTheWholeTable() {
    var random = new Random(7);
    for (int n = 0; n < 20_000; n++) {
      String a = randomWord(random);
      String b = random.nextBoolean() ? randomWord(random) : typo(a, random);
      int limit = 1 + random.nextInt(3);
      int whole = levenshtein(a, b);

      assertThat(Suggestions.distance(a, b, limit))
          .as("%s vs %s within %d", a, b, limit)
          .isEqualTo(Math.min(whole, limit + 1));
    }
  }

  private static String randomWord(Random random) {
    var word = new StringBuilder();
    for (int i = random.nextInt(9); i > 0; i--) {
      word.append((char) ('a' + random.nextInt(3)));
    }
    return word.toString();
  }

  private static String typo(String word, Random random) {
    var typo = new StringBuilder(word);
    for (int i = random.nextInt(4); i > 0; i--) {
      int kind = typo.isEmpty() ? 0 : random.nextInt(3);
      int at = random.nextInt(typo.length() + (kind == 0 ? 1 : 0));
      switch (kind) {
        case 0 -> typo.insert(at, (char) ('a' + random.nextInt(3)));
        case 1 -> typo.deleteCharAt(at);
        default -> typo.setCharAt(at, 'c');
      }
    }
    return typo.toString();
  }

  private static int levenshtein(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        d[i][j] =
            i == 0 || j == 0
                ? i + j
                : Math.min(
                    d[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1),
                    Math.min(d[i - 1][j], d[i][j - 1]) + 1);
      }
    }
    return d[a.length()][b.length()];
  }
}
