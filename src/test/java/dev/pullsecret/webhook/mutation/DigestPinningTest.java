package dev.pullsecret.webhook.mutation;

import static dev.pullsecret.webhook.mutation.OneContainerPods.apply;
import static dev.pullsecret.webhook.mutation.OneContainerPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Passes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * The digest step of the pure pass: which images are looked up (after pin and mirror), what is
 * written for a resolved tag, the pull policy that follows, and that a second pass changes nothing.
 */
class DigestPinningTest {

  private static final String DIGEST = "sha256:" + "c".repeat(64);
  private static final String DOWN = "down.example.com";

  private static final Rules RULES =
      RulesParser.parse(
          """
          rules:
            - name: resolve
              namespaces: [resolve]
              images:
                resolveDigests: {}
            - name: resolve-corp
              namespaces: [resolve-corp]
              images:
                resolveDigests: {registries: ["registry.corp:5000"]}
            - name: pin-mirror-resolve
              namespaces: [pin-mirror-resolve]
              images:
                pinLatest: {defaultTag: "1.0"}
                mirrors: [{from: docker.io, to: mirror.example.com/hub}]
                resolveDigests: {}
            - name: resolve-policy
              namespaces: [resolve-policy]
              images:
                imagePullPolicy: {set: Always}
                resolveDigests: {}
            - name: resolve-policy-digests
              namespaces: [resolve-policy-digests]
              images:
                imagePullPolicy: {set: Never, includeDigestPinned: true}
                resolveDigests: {}
          """,
          "digest-rules.yaml");

  private final PodMutator mutator = new PodMutator();

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/mutation/digest-pinning.csv")
  void tagIsPinnedToTheDigestTheRegistryServed(
      String name, String rule, String image, String policy, String after, String policyAfter) {
    RuleMatch match = Passes.match(RULES, rule);
    Pod pod = pod(image, policy);

    Pod result = apply(pod, Passes.create(mutator, pod, match, this::lookUp));

    Container container = result.getSpec().getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(after);
    assertThat(container.getImagePullPolicy()).isEqualTo(policyAfter);
    if (after.contains("@")) {
      assertThat(
              mutator
                  .begin(result, match, MutationScope.CREATE)
                  .digestCandidates(ResolvedDigests.NONE))
          .as("nothing is looked up again on the result")
          .isEmpty();
    }
    assertThat(Passes.create(mutator, result, match, this::lookUp).isEmpty())
        .as("a second pass over the result changes nothing")
        .isTrue();
  }

  @Test
  void failedLookupIsAWarningNamingTheImageAndWhy() {
    Pod pod = pod(DOWN + "/app:1", "IfNotPresent");

    Mutation mutation = Passes.create(mutator, pod, Passes.match(RULES, "resolve"), this::lookUp);

    assertThat(mutation.isEmpty()).isTrue();
    assertThat(mutation.warnings())
        .containsExactly(
            "containers[0] (app): down.example.com/app:1 not resolved to a digest"
                + " (timeout: no answer); left as it is");
  }

  /** Preview without --resolve: nothing was asked, so nothing is said of what the webhook does. */
  @Test
  void imageNotLookedUpIsAWarningSayingSoNotThatItIsLeftAsItIs() {
    Pod pod = pod(DOWN + "/app:1", "IfNotPresent");

    Mutation mutation =
        Passes.create(
            mutator,
            pod,
            Passes.match(RULES, "resolve"),
            candidates -> ResolvedDigests.notLookedUp("preview --resolve asks the registries"));

    assertThat(mutation.isEmpty()).isTrue();
    assertThat(mutation.warnings())
        .containsExactly(
            "containers[0] (app): digest of down.example.com/app:1 not looked up"
                + " (preview --resolve asks the registries)");
  }

  @Test
  void explanationNamesTheContainersPinnedByDigest() {
    RuleMatch match = Passes.match(RULES, "resolve");
    Pod pod = pod("nginx:1.27", "IfNotPresent");

    Mutation mutation = Passes.create(mutator, pod, match, this::lookUp);

    assertThat(apply(pod, mutation).getMetadata().getAnnotations().get(Explanation.ANNOTATION))
        .isEqualTo(
            "rule=resolve; match=namespace resolve; images=containers[0]; digests=containers[0]");
  }

  /** What the admission layer would hand the pass: a digest for each candidate, or a failure. */
  private ResolvedDigests lookUp(Set<ImageReference> candidates) {
    Map<ImageReference, String> digests = new HashMap<>();
    Map<ImageReference, String> failures = new HashMap<>();
    for (ImageReference image : candidates) {
      if (image.domain().equals(DOWN)) {
        failures.put(image, "timeout: no answer");
      } else {
        digests.put(image, DIGEST);
      }
    }
    return new ResolvedDigests(digests, failures, "not looked up");
  }
}
