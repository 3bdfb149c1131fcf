package dev.pullsecret.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.RuleMatch;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Passes;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Steps stay independent: what several steps change in one field becomes one operation. */
class PassTest {

  private static final Rules RULES = RulesParser.parse("rules: [{name: r, namespaces: [n]}]", "r");

  private static final PodContainer APP =
      new PodContainer(PodContainer.Kind.CONTAINER, 0, "app", "nginx", "Always");

  private final Pass pass =
      new PodMutator()
          .begin(
              OneContainerPods.pod("nginx", "Always"),
              Passes.match(RULES, "n"),
              MutationScope.CREATE);

  private final ContainerImage app = pass.containers.getFirst();

  /** What the pass writes when it ends (the rule itself changes nothing). */
  private Mutation written() {
    return pass.finish(ResolvedDigests.NONE);
  }

  @Test
  void twoRewritesOfOneImageAreOneOperationWithBothReasons() {
    ImageReference pinned = ImageReference.parse("nginx:1.27");
    ImageReference digest = ImageReference.parse("nginx:1.27@sha256:" + "a".repeat(64));

    app.rewrite(pinned, "pinned");
    app.rewrite(digest, "resolved");

    assertThat(app.image()).isEqualTo(digest);
    Mutation written = written();
    assertThat(written.changes())
        .containsExactly(new ImageRewritten(APP, digest, "pinned, resolved"));
    assertThat(written.operations())
        .filteredOn(op -> op.path().startsWith("/spec/"))
        .containsExactly(PatchOperation.add(APP.pointer("image"), digest.toString()));
  }

  @Test
  void aPolicySetBackToWhatItWasIsNoChange() {
    app.pullPolicy = "IfNotPresent";
    app.pullPolicy = "Always";

    Mutation written = written();
    assertThat(written.changes()).isEmpty();
    assertThat(written.operations()).isEmpty();
  }

  @Test
  void aSecretThePodHasIsNotAddedAgain() {
    Rules rules =
        RulesParser.parse(
            "{pullSecrets: [{name: hub}], rules: [{name: r, namespaces: [n], pullSecrets: [hub]}]}",
            "r");
    Pod pod = OneContainerPods.pod("nginx", "Always");
    pod.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("hub")));

    Mutation written = Passes.create(new PodMutator(), pod, Passes.match(rules, "n"));

    assertThat(written.pullSecrets()).containsExactly("hub");
    assertThat(written.operations()).isEmpty();
  }

  /**
   * Re-invocation (reinvocationPolicy: IfNeeded): another webhook adds a container after this one,
   * and the API server calls this one again. The second pass changes only the new container;
   * written over the first pass's explanation, the annotation no longer said why the pod had its
   * pull secret and its first image.
   */
  @Test
  void aSecondPassOverAContainerAddedLaterKeepsWhatTheFirstExplained() {
    Rules rules =
        RulesParser.parse(
            """
            pullSecrets: [{name: hub, registries: [docker.io]}]
            rules:
              - {name: r, namespaces: [n], pullSecrets: [hub], images: {pinLatest: {defaultTag: "1.0"}}}
            """,
            "r");
    RuleMatch match = Passes.match(rules, "n");
    var mutator = new PodMutator();
    Pod pod = OneContainerPods.pod("nginx", "Always");
    Pod first = OneContainerPods.apply(pod, Passes.create(mutator, pod, match));
    first
        .getSpec()
        .getContainers()
        .add(
            new ContainerBuilder()
                .withName("sidecar")
                .withImage("busybox")
                .withImagePullPolicy("Always")
                .build());

    Pod second = OneContainerPods.apply(first, Passes.create(mutator, first, match));

    assertThat(second.getMetadata().getAnnotations().get(Explanation.ANNOTATION))
        .isEqualTo(
            "rule=r; match="
                + match.why()
                + "; pullSecrets=hub; images=containers[0]; pullPolicies=containers[0];"
                + " then images=containers[1]; pullPolicies=containers[1]");
  }

  @Test
  void aSecondPassKeepsTheCountsOfTheFirst() {
    Rules rules =
        RulesParser.parse(
            "rules: [{name: r, namespaces: [n], images: {pinLatest: {defaultTag: '1.0'}}}]", "r");
    RuleMatch match = Passes.match(rules, "n");
    var mutator = new PodMutator();
    Pod pod = OneContainerPods.pod("nginx", "IfNotPresent");
    for (int i = 1; i < 25; i++) {
      pod.getSpec()
          .getContainers()
          .add(new ContainerBuilder().withName("c" + i).withImage("nginx:1.0").build());
    }
    pod.getSpec().getContainers().forEach(c -> c.setImage("nginx"));
    Pod first = OneContainerPods.apply(pod, Passes.create(mutator, pod, match));
    first
        .getSpec()
        .getContainers()
        .add(new ContainerBuilder().withName("late").withImage("busybox").build());

    Pod second = OneContainerPods.apply(first, Passes.create(mutator, first, match));

    assertThat(second.getMetadata().getAnnotations().get(Explanation.ANNOTATION))
        .startsWith("rule=r; match=namespace n; images=containers[0],containers[1],")
        .contains(",containers[19],…+5 more; pullPolicies=")
        .endsWith("; then images=containers[25]; pullPolicies=containers[25]");
  }

  /**
   * The pod's own text under the annotation's name is merged only if it could be an explanation: a
   * value of megabytes of items (a review sent to the port directly) is replaced, not split.
   */
  @Test
  void aLongTextUnderTheAnnotationIsReplacedNotMerged() {
    Rules rules =
        RulesParser.parse(
            "rules: [{name: r, namespaces: [n], images: {pinLatest: {defaultTag: '1.0'}}}]", "r");
    Pod pod = OneContainerPods.pod("nginx", "Always");
    var items = new StringBuilder("rule=r; images=");
    for (int i = 0; i < 100_000; i++) {
      items.append("i").append(i).append(',');
    }
    pod.getMetadata().setAnnotations(Map.of(Explanation.ANNOTATION, items.toString()));

    Pod patched =
        OneContainerPods.apply(pod, Passes.create(new PodMutator(), pod, Passes.match(rules, "n")));

    assertThat(patched.getMetadata().getAnnotations().get(Explanation.ANNOTATION))
        .isEqualTo("rule=r; match=namespace n; images=containers[0]; pullPolicies=containers[0]");
  }
}
