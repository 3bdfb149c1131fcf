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
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * Mirrors with {@code when: present} in the pure pass: the images asked about, what the answers
 * make of the image, the digest and pull policy that follow, the pull secrets matched against the
 * final images, the warnings and the pod's annotation; and that a second pass over the result, with
 * the same answers, changes nothing.
 */
class ConditionalMirrorTest {

  private static final String DIGEST = "sha256:" + "c".repeat(64);

  private static final Rules RULES =
      RulesParser.parse(
          """
          pullSecrets:
            - {name: hub-creds, registries: [docker.io]}
            - {name: cache-creds, registries: [cache.example.com]}
          rules:
            - name: cache
              namespaces: [cache]
              pullSecrets: [hub-creds, cache-creds]
              images:
                mirrors: [{from: docker.io, to: cache.example.com/hub, when: present}]
            - name: always
              namespaces: [always]
              images:
                mirrors: [{from: docker.io, to: mirror.example.com/hub}]
            - name: slow
              namespaces: [slow]
              images:
                mirrors: [{from: docker.io, to: slow.example.com/hub, when: present}]
            - name: chain
              namespaces: [chain]
              images:
                mirrors:
                  - {from: docker.io, to: first.example.com/hub, when: present}
                  - {from: docker.io, to: second.example.com/hub, when: present}
            - name: chain-then-always
              namespaces: [chain-then-always]
              images:
                mirrors:
                  - {from: docker.io, to: cache.example.com/hub, when: present}
                  - {from: docker.io, to: fallback.example.com/hub}
            - name: excluded
              namespaces: [excluded]
              images:
                mirrors:
                  - from: docker.io
                    to: cache.example.com/hub
                    when: present
                    exclude: [docker.io/library/vault]
                  - {from: docker.io, to: fallback.example.com/hub, exclude: [docker.io/acme]}
            - name: pin-cache-resolve
              namespaces: [pin-cache-resolve]
              images:
                pinLatest: {defaultTag: "1.0"}
                mirrors: [{from: docker.io, to: cache.example.com/hub, when: present}]
                resolveDigests: {}
            - name: cache-policy
              namespaces: [cache-policy]
              images:
                mirrors: [{from: docker.io, to: cache.example.com/hub, when: present}]
                imagePullPolicy: {set: Always}
          """,
          "mirror-rules.yaml");

  private final PodMutator mutator = new PodMutator();

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/mutation/conditional-mirrors.csv")
  void imageGoesToTheFirstMirrorThatHoldsItElseStaysAsItIs(
      String name,
      String rule,
      String image,
      String policy,
      String after,
      String policyAfter,
      String mirrorPart) {
    RuleMatch match = Passes.match(RULES, rule);
    Pod pod = pod(image, policy);

    Mutation mutation = pass(pod, match);
    Pod result = apply(pod, mutation);

    Container container = result.getSpec().getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(after);
    assertThat(container.getImagePullPolicy()).isEqualTo(policyAfter);
    String annotation = annotation(result);
    if (mirrorPart == null) {
      assertThat(annotation).doesNotContain("mirror=");
    } else if (!mutation.isEmpty()) {
      assertThat(annotation).contains("; " + mirrorPart);
    }
    assertThat(pass(result, match).isEmpty())
        .as("a second pass over the result, with the same answers, changes nothing")
        .isTrue();
  }

  @Test
  void asksEachConditionalMirrorOfTheChainAboutTheImageAsPinned() {
    Pod pod = pod("nginx", "Always");

    var candidates =
        mutator.begin(pod, Passes.match(RULES, "chain"), MutationScope.CREATE).mirrorCandidates();

    assertThat(candidates.keySet())
        .extracting(ImageReference::toString)
        .containsExactly(
            "first.example.com/hub/library/nginx", "second.example.com/hub/library/nginx");
    assertThat(candidates.values())
        .extracting(m -> m.target())
        .containsExactly("first.example.com/hub", "second.example.com/hub");
  }

  @Test
  void onlyConditionalMirrorsAreAskedAbout() {
    Pod pod = pod("nginx:1.27", "IfNotPresent");

    var chain = mutator.begin(pod, Passes.match(RULES, "chain-then-always"), MutationScope.CREATE);
    var always = mutator.begin(pod, Passes.match(RULES, "always"), MutationScope.CREATE);

    assertThat(chain.mirrorCandidates())
        .containsOnlyKeys(ImageReference.parse("cache.example.com/hub/library/nginx:1.27"));
    assertThat(always.mirrorCandidates()).isEmpty();
  }

  /** A mirror secret only when the mirror is used; the Docker Hub one only when Hub is. */
  @Test
  void pullSecretsAreMatchedAgainstTheImagesAsTheMirrorsLeftThem() {
    Pod pod = pod("nginx:1.27", "IfNotPresent");
    pod.getSpec().getContainers().add(container("sidecar", "acme/absent:1"));

    Pod result = apply(pod, pass(pod, Passes.match(RULES, "cache")));

    assertThat(result.getSpec().getContainers())
        .extracting(Container::getImage)
        .containsExactly("cache.example.com/hub/library/nginx:1.27", "acme/absent:1");
    assertThat(result.getSpec().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("hub-creds", "cache-creds");
    Pod onlyCached =
        apply(
            pod("nginx:1.27", "IfNotPresent"),
            pass(pod("nginx:1.27", "IfNotPresent"), Passes.match(RULES, "cache")));
    assertThat(onlyCached.getSpec().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("cache-creds");
  }

  @Test
  void eachSkippedMirrorIsAWarningSayingWhy() {
    Pod pod = pod("acme/absent:1", "IfNotPresent");

    Mutation mutation = pass(pod, Passes.match(RULES, "chain"));

    assertThat(mutation.isEmpty()).isTrue();
    assertThat(mutation.warnings())
        .containsExactly(
            "containers[0] (app): docker.io/acme/absent:1 not sent to mirror"
                + " first.example.com/hub (absent: no manifest 1 in hub/acme/absent)",
            "containers[0] (app): docker.io/acme/absent:1 not sent to mirror"
                + " second.example.com/hub (absent: no manifest 1 in hub/acme/absent); left as it"
                + " is");
  }

  @Test
  void mirrorThatWasNotAskedIsSaidToBeSo() {
    Pod pod = pod("nginx:1.27", "IfNotPresent");

    Mutation mutation =
        Passes.create(
            mutator,
            pod,
            Passes.match(RULES, "cache"),
            candidates -> ResolvedDigests.notLookedUp("preview --resolve asks the registries"));

    assertThat(mutation.warnings())
        .containsExactly(
            "containers[0] (app): docker.io/library/nginx:1.27 not sent to mirror"
                + " cache.example.com/hub (not looked up: preview --resolve asks the registries);"
                + " left as it is");
  }

  @Test
  void annotationListsTheContainersAMirrorSkippedWhenThePodChangesAnyway() {
    Pod pod = pod("nginx:1.27", "IfNotPresent");
    pod.getSpec().getContainers().add(container("sidecar", "acme/absent:1"));
    pod.getSpec().getInitContainers().add(container("setup", "acme/absent:2"));

    Pod result = apply(pod, pass(pod, Passes.match(RULES, "chain")));

    assertThat(annotation(result))
        .isEqualTo(
            "rule=chain; match=namespace chain; images=containers[0];"
                + " mirror=absent initContainers[0],containers[0],containers[1]");
  }

  private Mutation pass(Pod pod, RuleMatch match) {
    return Passes.create(mutator, pod, match, ConditionalMirrorTest::mirrors, this::digests);
  }

  /** What the mirrors answer, as admission would hand it to the pass. */
  private static ResolvedDigests mirrors(Set<ImageReference> images) {
    Map<ImageReference, String> present = new HashMap<>();
    Map<ImageReference, String> failures = new HashMap<>();
    for (ImageReference image : images) {
      String repository = image.path().substring(image.path().indexOf('/') + 1);
      if (image.domain().equals("slow.example.com")) {
        failures.put(image, "timeout: no answer");
      } else if (image.domain().equals("first.example.com") || image.path().endsWith("/absent")) {
        failures.put(image, "absent: no manifest " + image.tag() + " in hub/" + repository);
      } else {
        present.put(image, DIGEST);
      }
    }
    return new ResolvedDigests(present, failures, "not looked up");
  }

  private ResolvedDigests digests(Set<ImageReference> images) {
    Map<ImageReference, String> digests = new HashMap<>();
    images.forEach(image -> digests.put(image, DIGEST));
    return new ResolvedDigests(digests, Map.of(), "not looked up");
  }

  private static String annotation(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? "" : annotations.getOrDefault(Explanation.ANNOTATION, "");
  }

  private static Container container(String name, String image) {
    var c = new Container();
    c.setName(name);
    c.setImage(image);
    c.setImagePullPolicy("IfNotPresent");
    return c;
  }
}
