package dev.pullsecret.webhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  private final ValidateCommand validate = new ValidateCommand();

  @Test
  void summarisesValidRulesAndExitsZero() {
    CommandRun run = CommandRun.of(validate, "examples/rules.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("examples/rules.yaml: valid\n")
        .contains("  gar-creds            *.pkg.dev, eu.gcr.io\n")
        .contains("copied from (webhook namespace)/dockerhub-creds by the sync loop\n")
        .contains("  team-a               namespaces team-a, team-a-* except team-a-sandbox\n")
        .contains("mirror docker.io -> mirror.example.com/dockerhub");
  }

  /** Valid rules with an exclusion outside its mirror: loaded, with a located warning. */
  @Test
  void warnsOfAnExclusionThatExcludesNothingAndExitsZero(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(
        file,
        """
        rules:
          - namespaces: [ci-*]
            images:
              mirrors:
                - {from: docker.io, to: cache.example.com/hub, when: present, exclude: [quay.io/acme]}
        """);

    CommandRun run = CommandRun.of(validate, file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(": valid\n")
        .contains(
            "mirror docker.io -> cache.example.com/hub when it holds the image, else the next or"
                + " none, except quay.io/acme");
    assertThat(run.err())
        .isEqualTo(
            file
                + ":5:81: rules[0].images.mirrors[0].exclude[0]: warning: excludes nothing: no"
                + " image matched by 'from' (docker.io) is matched by quay.io/acme (an exclusion"
                + " names images of 'from', e.g. docker.io/team/app)\n");
  }

  @Test
  void saysWhereTheCredentialsOfAPullSecretWithAProviderComeFrom() throws Exception {
    var file = java.nio.file.Files.createTempFile("provider-rules", ".yaml");
    java.nio.file.Files.writeString(
        file,
        """
        pullSecrets:
          - {name: ecr-creds, provider: ecr-credential-provider, registries: [1.dkr.ecr.eu-west-1.amazonaws.com]}
        rules:
          - {name: all, namespaces: ["*"], pullSecrets: [ecr-creds]}
        """);

    CommandRun run = CommandRun.of(validate, file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "credentials from provider ecr-credential-provider, renewed into (webhook"
                + " namespace)/ecr-creds-provider and copied by the sync loop\n");
    java.nio.file.Files.delete(file);
  }

  @Test
  void listsEveryErrorLocatedWithHintsAndExitsOne() {
    CommandRun run = CommandRun.of(validate, "examples/rules-with-mistakes.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("examples/rules-with-mistakes.yaml: invalid, 6 errors:\n")
        .contains("examples/rules-with-mistakes.yaml:9:5: rules[0].namespace: unknown field")
        .contains("did you mean 'namespaces'?")
        .contains("10:19: rules[0].pullSecrets[0]: unknown pull secret 'dockerhub-cred'")
        .contains("did you mean 'dockerhub-creds'?")
        .contains("14:11: rules[1].mode: 'dry-run' is not a mode")
        .contains("hint: ")
        .doesNotContain("Exception");
  }

  @Test
  void reportsAMissingFileWithoutAStackTrace() {
    CommandRun run = CommandRun.of(validate, "no/such/rules.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no/such/rules.yaml: file not found").doesNotContain("at dev.");
  }

  @Test
  void validatesEveryFileAndFailsIfOneIsInvalid() {
    CommandRun run =
        CommandRun.of(validate, "examples/rules.yaml", "examples/rules-with-mistakes.yaml");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("examples/rules.yaml: valid");
    assertThat(run.err()).contains("examples/rules-with-mistakes.yaml: invalid");
  }

  @Test
  void showsManPageHelp() {
    CommandRun run = CommandRun.of(validate, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "EXAMPLES");
  }

  @Test
  void refusesAnUnknownOptionWithExitTwo() {
    CommandRun run = CommandRun.of(validate, "--strict", "examples/rules.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("validate: unknown option '--strict' (see 'validate --help')\n");
  }

  @Test
  void needsAFile() {
    assertThat(CommandRun.of(validate).exitCode()).isEqualTo(2);
  }
}
