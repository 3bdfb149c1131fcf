package dev.pullsecret.webhook.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.ImageOptions.RegistryMirror;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which mirrors may take an image, in the order they are tried: those whose {@code from} matches,
 * up to the first unconditional one; an exclusion ends the chain where it is met.
 */
class MirrorChainTest {

  private static final ImageOptions OPTIONS =
      RulesParser.parse(
              """
              rules:
                - namespaces: [x]
                  images:
                    mirrors:
                      - {from: docker.io, to: cache.example.com/hub, when: present,
                         exclude: [docker.io/library/vault]}
                      - {from: docker.io/library, to: official.example.com, when: present}
                      - {from: docker.io, to: mirror.example.com/hub,
                         exclude: [docker.io/acme/signed]}
                      - {from: docker.io, to: never.example.com/hub}
                      - {from: quay.io, to: cache.example.com/quay, when: present}
              """,
              "rules.yaml")
          .forNamespace("x", NamespaceLabels.NONE)
          .orElseThrow()
          .rule()
          .images();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          nginx:1.27                 | cache.example.com/hub official.example.com mirror.example.com/hub
          bitnami/redis:7            | cache.example.com/hub mirror.example.com/hub
          vault:1.17                 | ''
          acme/signed:2              | cache.example.com/hub
          quay.io/acme/app:1         | cache.example.com/quay
          ghcr.io/acme/app:1         | ''
          """)
  void chainIsTheMatchingMirrorsUpToTheFirstUnconditionalOneOrAnExclusion(
      String image, String targets) {
    var chain = OPTIONS.mirrorsFor(ImageReference.parse(image));

    assertThat(String.join(" ", chain.stream().map(RegistryMirror::target).toList()))
        .isEqualTo(targets);
  }
}
