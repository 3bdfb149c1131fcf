package dev.pullsecret.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Passes;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
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
}
