package dev.pullsecret.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullsecret.webhook.image.ImageReference;
import dev.pullsecret.webhook.mutation.Change.ImageRewritten;
import dev.pullsecret.webhook.patch.PatchOperation;
import org.junit.jupiter.api.Test;

/** Steps stay independent: what several steps change in one field becomes one operation. */
class PendingPatchTest {

  private static final PodContainer APP =
      new PodContainer(PodContainer.Kind.CONTAINER, 0, "app", "nginx", "Always");

  private final PendingPatch pending =
      new PendingPatch(
          OneContainerPods.pod("nginx", "Always").getSpec(),
          MutationScope.forCreate(),
          new ParsedImages());

  private final PendingPatch.ContainerImage app = pending.containers().getFirst();

  @Test
  void twoRewritesOfOneImageAreOneOperationWithBothReasons() {
    ImageReference pinned = ImageReference.parse("nginx:1.27");
    ImageReference digest = ImageReference.parse("nginx:1.27@sha256:" + "a".repeat(64));

    app.rewrite(pinned, "pinned");
    app.rewrite(digest, "resolved");

    assertThat(app.image()).isEqualTo(digest);
    assertThat(pending.changes())
        .containsExactly(new ImageRewritten(APP, "nginx", digest, "pinned, resolved"));
    assertThat(pending.operations())
        .containsExactly(PatchOperation.add(APP.pointer("image"), digest.toString()));
  }

  @Test
  void aPolicySetBackToWhatItWasIsNoChange() {
    app.pullPolicy = "IfNotPresent";
    app.pullPolicy = "Always";

    assertThat(pending.changes()).isEmpty();
    assertThat(pending.operations()).isEmpty();
  }

  @Test
  void aSecretAddedTwiceIsAddedOnce() {
    pending.addSecret("hub");
    pending.addSecret("hub");

    assertThat(pending.pullSecretNames()).containsExactly("hub");
    assertThat(pending.operations()).hasSize(1);
  }
}
