package dev.pullsecret.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.patch.PatchOperation;
import dev.pullsecret.webhook.rules.Rules;
import dev.pullsecret.webhook.rules.RulesParser;
import dev.pullsecret.webhook.testing.Passes;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/** Steps stay independent: what several steps change in one field becomes one operation. */
class PendingPatchTest {

  private static final Rules RULES = RulesParser.parse("rules: [{name: r, namespaces: [n]}]", "r");

  private static final PodContainer APP =
      new PodContainer(PodContainer.Kind.CONTAINER, 0, "app", "nginx", "Always");

  private final PendingPatch pending =
      new PendingPatch(
          OneContainerPods.pod("nginx", "Always").getSpec(),
          MutationScope.CREATE,
          new PodMutator.ParsedImages());

  private final PendingPatch.ContainerImage app = pending.containers().getFirst();

  /** What the pending patch writes when the pass ends. */
  private Mutation written() {
    Pod pod = OneContainerPods.pod("nginx", "Always");
    return pending.mutation(pod.getMetadata(), Passes.match(RULES, "n"));
  }

  @Test
  void twoRewritesOfOneImageAreOneOperationWithBothReasons() {
    ImageReference pinned = ImageReference.parse("nginx:1.27");
    ImageReference digest = ImageReference.parse("nginx:1.27@sha256:" + "a".repeat(64));

    app.rewrite(pinned, "pinned");
    app.rewrite(digest, "resolved");

    assertThat(app.image()).isEqualTo(digest);
    assertThat(written().changes())
        .containsExactly(new ImageRewritten(APP, "nginx", digest, "pinned, resolved"));
    assertThat(written().operations())
        .filteredOn(op -> op.path().startsWith("/spec/"))
        .containsExactly(PatchOperation.add(APP.pointer("image"), digest.toString()));
  }

  @Test
  void aPolicySetBackToWhatItWasIsNoChange() {
    app.pullPolicy = "IfNotPresent";
    app.pullPolicy = "Always";

    assertThat(written().changes()).isEmpty();
    assertThat(written().operations()).isEmpty();
  }

  @Test
  void aSecretAddedTwiceIsAddedOnce() {
    pending.addSecret("hub");
    pending.addSecret("hub");

    assertThat(written().pullSecrets()).containsExactly("hub");
    assertThat(written().operations()).filteredOn(op -> op.path().startsWith("/spec/")).hasSize(1);
  }
}
