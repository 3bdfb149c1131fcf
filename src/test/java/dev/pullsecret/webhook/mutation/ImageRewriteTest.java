package dev.pullsecret.webhook.mutation;

import static dev.pullsecret.webhook.mutation.OneContainerPods.apply;
import static dev.pullsecret.webhook.mutation.OneContainerPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Passes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * Expected rewrites of single images under a few rules: the image and pull policy the pod ends up
 * with, and that a second pass over that result changes nothing.
 */
class ImageRewriteTest {

  private static final Rules RULES =
      RulesParser.parse(
          """
          rules:
            - name: pin
              namespaces: [pin]
              images:
                pinLatest:
                  repositories: {nginx: "1.27.3", "quay.io/acme/app": "2.1"}
            - name: pin-default
              namespaces: [pin-default]
              images:
                pinLatest: {defaultTag: stable}
            - name: mirror
              namespaces: [mirror]
              images:
                mirrors:
                  - {from: docker.io/library, to: mirror.example.com/official}
                  - {from: docker.io, to: mirror.example.com/hub}
                  - {from: "*.gcr.io", to: "registry.corp:5000/gcr"}
                  - {from: "localhost:5000/team", to: mirror.example.com}
            - name: policy
              namespaces: [policy]
              images:
                imagePullPolicy: {set: IfNotPresent}
            - name: policy-digests-too
              namespaces: [policy-digests-too]
              images:
                imagePullPolicy: {set: Never, includeDigestPinned: true}
            - name: everything
              namespaces: [everything]
              images:
                pinLatest: {defaultTag: "1.0"}
                mirrors: [{from: docker.io, to: mirror.example.com/hub}]
                imagePullPolicy: {set: Always}
          """,
          "rewrite-rules.yaml");

  private final PodMutator mutator = new PodMutator();

  @ParameterizedTest(name = "{0}: {1} ({2}) -> {3} ({4})")
  @CsvFileSource(resources = "/mutation/rewrites.csv", numLinesToSkip = 1)
  void rewritesImageAndPolicyAsTheRuleSays(
      String rule, String image, String policy, String expectedImage, String expectedPolicy) {
    RuleMatch match = Passes.match(RULES, rule);
    Pod pod = pod(image, policy);

    Mutation mutation = Passes.create(mutator, pod, match);
    Pod result = apply(pod, mutation);

    Container container = result.getSpec().getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(expectedImage);
    assertThat(container.getImagePullPolicy()).isEqualTo(expectedPolicy);
    assertThat(Passes.create(mutator, result, match).isEmpty())
        .as("a second pass over the result changes nothing")
        .isTrue();
  }
}
